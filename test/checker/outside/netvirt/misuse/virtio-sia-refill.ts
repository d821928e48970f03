import { kmalloc, kfree, withSpinLock, GFP_KERNEL, type Memory } from 'memdesc';
import { VirtQueue, allocRxBufAtomic } from '../lib/virtio-ring.js';

/** try_fill_recv(): posts fresh buffers until the ring is full. */
function tryFillRecv(mem: Memory, vq: VirtQueue): number {
  let n = 0;
  while (vq.inFlight() < vq.num) {
    const buf = kmalloc(mem, 256, GFP_KERNEL); // expect-also: sleep-in-atomic
    if (buf === null) break;
    if (vq.addBuf(buf) < 0) {
      kfree(buf);
      break;
    }
    n++;
  }
  return n;
}

export function run(mem: Memory): void {
  const vq = new VirtQueue(mem, 4);
  // The refill timer runs with the queue lock held.
  const posted = withSpinLock(vq.lock, (ctx) => {
    const first = allocRxBufAtomic(ctx);
    if (first !== null && vq.addBuf(first) < 0) kfree(first);
    return tryFillRecv(mem, vq); // expect: sleep-in-atomic
  });
  vq.freeUnused();
  if (posted < 0) throw new Error('posted');
}
