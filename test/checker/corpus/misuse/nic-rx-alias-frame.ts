/**
 * NAPI poll: the frame's page goes back to the pool, then is classified through a second name.
 *
 * Kernel: a NAPI poll loop takes the page of a completed rx descriptor (page_pool style).
 * Protocol: take() moves ownership of the page to the poll loop; rxRecycle() gives it back
 * and ends every name the loop had for it.
 */
import { type Memory } from 'memdesc';
import { RxRing, rxFrameType, rxRecycle } from '../lib/nic-ring.js';

export function run(mem: Memory): void {
  const ring = new RxRing(4);
  ring.refill(mem);
  ring.dmaWrite(0, new Uint8Array([0x08, 0x00, 0x45]));
  const page = ring.take(0);
  if (page === null) {
    ring.close();
    return;
  }
  const frame = page; // the classifier's name for it
  rxRecycle(page);
  const kind = rxFrameType(frame); // expect: use-after-free
  ring.close();
  if (kind !== 0x08) throw new Error('not an IPv4 frame');
}
