import { readRaw, kfree, type Memory } from 'memdesc';
import { VirtQueue, allocRxBuf, RX_GFP } from '../lib/virtio-ring.js';

type Completion = () => number;

export function run(mem: Memory): void {
  const vq = new VirtQueue(mem, 2);
  const pending: Completion[] = [];
  const buf = allocRxBuf(mem, RX_GFP);
  if (buf === null) return;
  if (vq.addBuf(buf) < 0) {
    kfree(buf);
    return;
  }
  pending.push(() => {
    const b = new Uint8Array(2);
    readRaw(buf, b, 0); // expect-also: use-after-free
    return b[1]!;
  });
  // Device reset: every buffer still in the ring is freed...
  vq.freeUnused();
  // ...and the completions queued before the reset still run.
  let sum = 0;
  for (const done of pending) sum += done(); // expect: use-after-free
  if (sum < 0) throw new Error('sum');
}
