/** rx path: the payload pointer is destructured out of the skb and read; then the skb is dropped. */
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
  const payload = new Uint8Array(len);
  readRaw(data, payload, 0);
  kfreeSkb(skb); // dropped after the copy
  if (checksum(payload) === 0) throw new Error('empty frame');
}
