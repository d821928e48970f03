import { readRaw, type Memory } from 'memdesc';
import { ZramStore, type ZEntry } from '../lib/zram.js';

export function run(mem: Memory): void {
  const zram = new ZramStore(mem);
  for (let s = 0; s < 4; s++) zram.store(s, new Uint8Array(30 + s * 100).fill(s));
  let last: ZEntry | undefined;
  for (const s of zram.slots()) {
    const e = zram.take(s);
    if (!e) continue;
    last = e;
    zram.releaseEntry(e);
  }
  if (last !== undefined) {
    const tail = new Uint8Array(4);
    readRaw(last.meta, tail, 0); // expect: use-after-free
  }
  zram.destroy();
}
