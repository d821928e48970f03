// audit: records go on the log's list; denials are also printed at once.
import type { Memory } from 'memdesc';
import { AuditLog, auditRecordAlloc } from '../lib/audit.js';

const MSGS = ['open path=/etc/shadow', 'denied { write } comm=cat', 'exec path=/bin/sh'];

export function run(mem: Memory): number {
  const log = new AuditLog();
  let printed = 0;
  for (const msg of MSGS) {
    const buf = auditRecordAlloc(mem, msg);
    if (!buf) continue;
    log.append(buf, msg.length);
    if (msg.startsWith('denied')) {
      printed++;
    }
  }
  return log.flush() + printed;
}
