/** skbs handed to the tx queue belong to it: the completion loop frees each once and empties the queue. */
import { type Memory } from 'memdesc';
import { allocSkb, kfreeSkb, skbPutData, type SkBuff } from '../lib/skb.js';

class TxQueue {
  private readonly inflight: SkBuff[] = [];

  xmit(skb: SkBuff): void {
    this.inflight.push(skb);
  }

  completeAll(): number {
    const done = this.inflight.splice(0);
    for (const skb of done) kfreeSkb(skb);
    return done.length;
  }
}

export function run(mem: Memory): void {
  const q = new TxQueue();
  for (let i = 0; i < 5; i++) {
    const skb = allocSkb(mem, 0x0800);
    if (skb === null) break;
    skbPutData(skb, new Uint8Array([i]));
    q.xmit(skb);
  }
  q.completeAll();
  q.completeAll(); // nothing in flight
}
