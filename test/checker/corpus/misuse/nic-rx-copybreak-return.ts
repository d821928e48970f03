/** rx copybreak: a small frame is copied into a fresh skb; an unknown protocol returns before it is freed. */
import { readRaw, type Memory } from 'memdesc';
import { RxRing } from '../lib/nic-ring.js';
import { allocSkb, kfreeSkb, skbPutData, skbPeekHeader } from '../lib/skb.js';

function copybreak(mem: Memory, ring: RxRing, i: number): number {
  const page = ring.peek(i);
  if (page === null) return -1;
  const frame = new Uint8Array(64);
  readRaw(page, frame, 0);
  const skb = allocSkb(mem, frame[0]!); // expect: leak
  if (skb === null) return -1;
  skbPutData(skb, frame);
  if (skb.proto !== 0x08) return -2; // expect-also: leak
  const hdr = skbPeekHeader(skb);
  kfreeSkb(skb); // delivered (copied up the stack)
  return hdr;
}

export function run(mem: Memory): void {
  const ring = new RxRing(2);
  ring.refill(mem);
  ring.dmaWrite(0, new Uint8Array([0x08, 1]));
  ring.dmaWrite(1, new Uint8Array([0x33, 2]));
  copybreak(mem, ring, 0);
  copybreak(mem, ring, 1);
  ring.close();
}
