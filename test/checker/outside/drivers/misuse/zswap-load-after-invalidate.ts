// zswap swapin: an exclusive load drops the entry from the tree, then decompresses it.
import type { Memory } from 'memdesc';
import { ZPool, compressInto, decompress } from '../lib/zpool.js';

function swapOut(pool: ZPool, nr: number): void {
  for (let off = 0; off < nr; off++) {
    const e = pool.allocEntry();
    if (!e) break;
    compressInto(e, new Uint8Array(128).fill(off + 1));
    pool.store(off, e);
  }
}

function swapInExclusive(pool: ZPool, off: number): Uint8Array | null {
  const entry = pool.tree.get(off);
  if (entry === undefined) return null;
  pool.invalidate(off);
  return decompress(entry); // expect: use-after-free
}

export function run(mem: Memory): void {
  const pool = new ZPool(mem);
  try {
    swapOut(pool, 4);
    const data = swapInExclusive(pool, 2);
    if (data && data[0] !== 3) throw new Error('zswap: corrupt page');
  } finally {
    pool.destroy();
  }
}
