// io_uring-like completion queue: CQEs posted under completion_lock; when the CQ ring is full
// the CQE goes on an overflow list of kmalloc'd entries, flushed when the app reaps.
import {
  kmalloc, kfree, spinLockInit, withSpinLock, writeRaw, GFP_ATOMIC,
  type Memory, type AtomicContext, type KmallocPtr, type SpinLock,
} from 'memdesc';

interface OverflowCqe {
  entry: KmallocPtr<'slab'>;
  userData: number;
  res: number;
}

class CompletionQueue {
  readonly lock: SpinLock;
  readonly ring: { userData: number; res: number }[] = [];
  readonly overflow: OverflowCqe[] = [];
  constructor(readonly mem: Memory, readonly entries: number) {
    this.lock = spinLockInit(mem, 'ctx->completion_lock');
  }
}

function allocOverflowEntry(ctx: AtomicContext): KmallocPtr<'slab'> | null {
  return kmalloc(ctx, 32, GFP_ATOMIC);
}

function postCqe(cq: CompletionQueue, userData: number, res: number): boolean {
  return withSpinLock(cq.lock, (ctx) => {
    if (cq.ring.length < cq.entries) {
      cq.ring.push({ userData, res });
      return true;
    }
    const entry = allocOverflowEntry(ctx);
    if (entry === null) return false; // CQ overflow lost
    writeRaw(entry, new Uint8Array([userData & 0xff, res & 0xff]), 0);
    cq.overflow.push({ entry, userData, res });
    return true;
  });
}

function reap(cq: CompletionQueue): number {
  return withSpinLock(cq.lock, () => {
    const n = cq.ring.length + cq.overflow.length;
    cq.ring.length = 0;
    for (const o of cq.overflow.splice(0)) kfree(o.entry);
    return n;
  });
}

export function run(mem: Memory): void {
  const cq = new CompletionQueue(mem, 2);
  for (let i = 0; i < 4; i++) postCqe(cq, 100 + i, 0);
  reap(cq);
}
