// audit: the record is allocated and queued while holding the audit queue lock.
import { spinLockInit, withSpinLock, type Memory } from 'memdesc';
import { AuditLog, auditRecordAllocAtomic } from '../lib/audit.js';

export function run(mem: Memory): number {
  const lock = spinLockInit(mem, 'audit_queue_lock');
  const log = new AuditLog();
  const events = ['syscall=59 success=yes', 'syscall=2 success=no'];
  for (const ev of events) {
    withSpinLock(lock, (ctx) => {
      const buf = auditRecordAllocAtomic(ctx, ev);
      if (buf) log.append(buf, ev.length);
    });
  }
  return log.flush();
}
