// audit: flush the queue to the daemon, then echo the last record to the console.
import { readRaw, type Memory } from 'memdesc';
import { AuditLog, auditRecordAlloc } from '../lib/audit.js';

function echo(rec: { buf: Parameters<typeof readRaw>[0]; len: number } | null): string {
  if (!rec) return '';
  const { buf, len } = rec;
  const out = new Uint8Array(len);
  readRaw(buf, out, 0);
  return new TextDecoder().decode(out);
}

export function run(mem: Memory): string {
  const log = new AuditLog();
  for (const m of ['login uid=0', 'logout uid=0']) {
    const buf = auditRecordAlloc(mem, m);
    if (buf) log.append(buf, m.length);
  }
  const line = echo(log.tail);
  log.flush();
  return line;
}
