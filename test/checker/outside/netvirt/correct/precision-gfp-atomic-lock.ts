import { withSpinLock, kfree, allocPage, freePage, GFP_KERNEL, type Memory } from 'memdesc';
import { VirtQueue, allocRxBufAtomic } from '../lib/virtio-ring.js';

/** GFP_ATOMIC under the lock, GFP_KERNEL before it. */
export function run(mem: Memory): void {
  const vq = new VirtQueue(mem, 4);
  const spare = allocPage(mem, GFP_KERNEL);
  const n = withSpinLock(vq.lock, (ctx) => {
    let posted = 0;
    for (let i = 0; i < 4; i++) {
      const buf = allocRxBufAtomic(ctx);
      if (buf === null) break;
      if (vq.addBuf(buf) < 0) {
        kfree(buf);
        break;
      }
      posted++;
    }
    return posted;
  });
  if (spare !== null) freePage(spare);
  vq.freeUnused();
  if (n !== 4) throw new Error('posted');
}
