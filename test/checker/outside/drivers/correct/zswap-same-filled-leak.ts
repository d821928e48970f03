// zswap store: compress into a scratch buffer; same-filled pages are only counted, not stored.
import { kmalloc, kfree, writeRaw, readRaw, PAGE_SIZE, GFP_KERNEL, type Memory } from 'memdesc';
import { ZPool, compressInto } from '../lib/zpool.js';

const stats = { stored: 0, sameFilled: 0 };

function isSameFilled(data: Uint8Array): boolean {
  return data.every((b) => b === data[0]);
}

function zswapStore(mem: Memory, pool: ZPool, off: number, data: Uint8Array): boolean {
  const dst = kmalloc(mem, PAGE_SIZE, GFP_KERNEL);
  if (!dst) return false;
  writeRaw(dst, data, 0);
  if (isSameFilled(data)) {
    stats.sameFilled++;
    kfree(dst);
    return true;
  }
  const e = pool.allocEntry();
  if (!e) {
    kfree(dst);
    return false;
  }
  const comp = new Uint8Array(128);
  readRaw(dst, comp, 0);
  compressInto(e, comp);
  kfree(dst);
  pool.store(off, e);
  stats.stored++;
  return true;
}

export function run(mem: Memory): void {
  const pool = new ZPool(mem);
  for (let off = 0; off < 3; off++) {
    const page = new Uint8Array(PAGE_SIZE);
    if (off !== 1) for (let i = 0; i < page.length; i++) page[i] = (i * 7 + off) & 0xff;
    zswapStore(mem, pool, off, page);
  }
  pool.destroy();
}
