// An audit log: kmalloc'd records on a singly linked list, flushed in order.
import { kmalloc, kfree, writeRaw, GFP_KERNEL, GFP_ATOMIC, type Memory, type AtomicContext, type KmallocPtr } from 'memdesc';

export interface AuditRecord { buf: KmallocPtr; len: number; next: AuditRecord | null }

export class AuditLog {
  head: AuditRecord | null = null;
  tail: AuditRecord | null = null;
  count = 0;
  append(buf: KmallocPtr, len: number): void {
    const rec: AuditRecord = { buf, len, next: null };
    if (this.tail) this.tail.next = rec; else this.head = rec;
    this.tail = rec;
    this.count++;
  }
  flush(): number {
    let n = 0;
    for (let r = this.head; r; r = r.next) { kfree(r.buf); n++; }
    this.head = this.tail = null;
    this.count = 0;
    return n;
  }
}

export function auditRecordAlloc(mem: Memory, msg: string): KmallocPtr | null {
  const buf = kmalloc(mem, 256, GFP_KERNEL);
  if (buf) writeRaw(buf, new TextEncoder().encode(msg.slice(0, 255)), 0);
  return buf;
}

export function auditRecordAllocAtomic(ctx: AtomicContext, msg: string): KmallocPtr | null {
  const buf = kmalloc(ctx, 256, GFP_ATOMIC);
  if (buf) writeRaw(buf, new TextEncoder().encode(msg.slice(0, 255)), 0);
  return buf;
}

/** Sleeps: GFP_KERNEL. Call only in process context. */
export function auditRecordAllocAny(ctx: Memory, msg: string): KmallocPtr | null {
  return auditRecordAlloc(ctx, msg);
}
