/** rx classification: the default case recycles a page the ring still holds; ndo_stop frees it again. */
import { type Memory } from 'memdesc';
import { RxRing, rxFrameType, rxRecycle } from '../lib/nic-ring.js';

export function run(mem: Memory): void {
  const ring = new RxRing(2);
  ring.refill(mem);
  ring.dmaWrite(0, new Uint8Array([0x99]));
  let dropped = 0;
  const page = ring.peek(0);
  if (page !== null) {
    switch (rxFrameType(page)) {
      case 0x08:
      case 0x86:
        break; // delivered in place
      default:
        rxRecycle(page); // expect-also: double-free
        dropped++;
    }
  }
  ring.close(); // expect: double-free
  if (dropped > 1) throw new Error('too many drops');
}
