import { readRaw, type Memory } from 'memdesc';
import { ZramStore, type ZEntry } from '../lib/zram.js';

function swapIn(zram: ZramStore, slot: number, dst: Uint8Array): void {
  const e: ZEntry | undefined = zram.lookup(slot);
  if (!e) return;
  // free the swap slot as soon as the page is "in memory"
  zram.discard(slot);
  readRaw(e.obj, dst.subarray(0, e.len), 0); // expect: use-after-free
}

export function run(mem: Memory): void {
  const zram = new ZramStore(mem);
  zram.store(1, new Uint8Array(40).fill(7));
  zram.store(2, new Uint8Array(200).fill(9));
  const page = new Uint8Array(256);
  swapIn(zram, 2, page);
  zram.destroy();
}
