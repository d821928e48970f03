/** Every case of the protocol switch consumes the skb exactly once: delivered, forwarded or dropped. */
import { type Memory } from 'memdesc';
import { allocSkb, devQueueXmit, kfreeSkb, skbPeekHeader, skbPutData } from '../lib/skb.js';

export function run(mem: Memory): void {
  const wire: Uint8Array[] = [];
  const delivered: number[] = [];
  for (const proto of [0x0800, 0x86dd, 0x0806, 0x9999]) {
    const skb = allocSkb(mem, proto);
    if (skb === null) continue;
    skbPutData(skb, new Uint8Array([proto & 0xff]));
    switch (proto) {
      case 0x0800:
        delivered.push(skbPeekHeader(skb));
        kfreeSkb(skb);
        break;
      case 0x86dd:
        devQueueXmit(skb, wire); // forwarded: xmit consumes it
        break;
      case 0x0806:
        kfreeSkb(skb); // ARP is handled elsewhere
        break;
      default:
        kfreeSkb(skb);
    }
  }
  if (wire.length !== 1 || delivered.length !== 1) throw new Error('misrouted');
}
