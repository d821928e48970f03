import { kfree, type Memory } from 'memdesc';
import { VirtQueue, allocRxBuf, RX_GFP } from '../lib/virtio-ring.js';

/** A completion callback that frees its buffer, registered for one id and run exactly once. */
export function run(mem: Memory): void {
  const vq = new VirtQueue(mem, 4);
  const callbacks = new Map<number, () => void>();
  for (let i = 0; i < 3; i++) {
    const buf = allocRxBuf(mem, RX_GFP);
    if (buf === null) break;
    callbacks.set(i, () => kfree(buf));
  }
  for (const [id, done] of callbacks) {
    callbacks.delete(id);
    done();
  }
  vq.freeUnused();
}
