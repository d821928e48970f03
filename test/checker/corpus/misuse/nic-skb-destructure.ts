/** rx path: the payload pointer is destructured out of the skb, the skb is dropped, the payload read. */
import { readRaw, type Memory } from 'memdesc';
import { allocSkb, kfreeSkb, skbPutData } from '../lib/skb.js';

function checksum(bytes: Uint8Array): number {
  let sum = 0;
  for (const b of bytes) sum = (sum + b) & 0xffff;
  return sum;
}

export function run(mem: Memory): void {
  const skb = allocSkb(mem, 0x0800);
  if (skb === null) return;
  skbPutData(skb, new Uint8Array([0x45, 0x00, 0x00, 0x1c]));
  const { data, len } = skb;
  kfreeSkb(skb); // dropped: the filter said so
  const payload = new Uint8Array(len);
  readRaw(data, payload, 0); // expect: use-after-free
  if (checksum(payload) === 0) throw new Error('empty frame');
}
