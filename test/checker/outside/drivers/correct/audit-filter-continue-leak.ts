// audit: records are built first, then matched against the exclude rules.
import { kfree, type Memory } from 'memdesc';
import { AuditLog, auditRecordAlloc } from '../lib/audit.js';

const EXCLUDE = new Set(['CWD', 'PROCTITLE']);

export function run(mem: Memory): number {
  const log = new AuditLog();
  const events: [string, string][] = [['SYSCALL', 'arch=c000003e syscall=257'], ['CWD', 'cwd=/root'], ['PATH', 'name=/etc/passwd']];
  for (const [type, text] of events) {
    const buf = auditRecordAlloc(mem, `type=${type} ${text}`);
    if (!buf) break;
    if (EXCLUDE.has(type)) {
      kfree(buf);
      continue;
    }
    log.append(buf, text.length);
  }
  const n = log.flush();
  return n;
}
