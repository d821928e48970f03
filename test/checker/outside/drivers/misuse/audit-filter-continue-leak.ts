// audit: records are built first, then matched against the exclude rules.
import type { Memory } from 'memdesc';
import { AuditLog, auditRecordAlloc } from '../lib/audit.js';

const EXCLUDE = new Set(['CWD', 'PROCTITLE']);

export function run(mem: Memory): number {
  const log = new AuditLog();
  const events: [string, string][] = [['SYSCALL', 'arch=c000003e syscall=257'], ['CWD', 'cwd=/root'], ['PATH', 'name=/etc/passwd']];
  for (const [type, text] of events) {
    const buf = auditRecordAlloc(mem, `type=${type} ${text}`); // expect: leak
    if (!buf) break;
    if (EXCLUDE.has(type)) continue; // expect-also: leak
    log.append(buf, text.length);
  }
  const n = log.flush();
  return n;
}
