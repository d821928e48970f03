/**
 * A page taken from the rx ring is processed and posted back: the ring owns it again and frees it on close.
 *
 * Kernel: page_pool recycling in place: a page is taken, processed, and reposted.
 * Protocol: take() moves the page out of the ring, post() moves it back; the ring
 * owns it again and frees it on close().
 */
import { type Memory } from 'memdesc';
import { RxRing, rxFrameType } from '../lib/nic-ring.js';

export function run(mem: Memory): void {
  const ring = new RxRing(4);
  ring.refill(mem);
  ring.dmaWrite(2, new Uint8Array([0x08]));
  const page = ring.take(2);
  if (page !== null) {
    const t = rxFrameType(page);
    ring.post(2, page); // recycled in place: ownership back to the ring
    if (t !== 0x08) throw new Error('bad frame');
  }
  ring.close();
}
