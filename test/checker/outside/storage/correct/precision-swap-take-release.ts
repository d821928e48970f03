import { readRaw, type Memory } from 'memdesc';
import { ZramStore } from '../lib/zram.js';

/** Swap-in by taking the entry out of the table, reading it, then releasing it. */
export function run(mem: Memory): void {
  const zram = new ZramStore(mem);
  for (let s = 0; s < 5; s++) zram.store(s, new Uint8Array(10 + s * 200).fill(s));
  const page = new Uint8Array(1024);
  for (const s of [1, 3]) {
    const e = zram.take(s);
    if (!e) continue;
    readRaw(e.obj, page.subarray(0, e.len), 0);
    zram.releaseEntry(e);
  }
  if (zram.discard(3)) throw new Error('slot 3 already gone');
  zram.destroy();
}
