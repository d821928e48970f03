import { readRaw, type Memory } from 'memdesc';
import { ZramStore } from '../lib/zram.js';

export function run(mem: Memory): void {
  const zram = new ZramStore(mem);
  for (let s = 0; s < 4; s++) zram.store(s, new Uint8Array(30 + s * 100).fill(s));
  let lastLen = -1;
  for (const s of zram.slots()) {
    const e = zram.take(s);
    if (!e) continue;
    const tail = new Uint8Array(4);
    readRaw(e.meta, tail, 0);
    lastLen = e.len;
    zram.releaseEntry(e);
  }
  if (lastLen < 0) throw new Error('no slots');
  zram.destroy();
}
