// A helper that frees conditionally and tells the caller by returning null.
import type { Memory } from 'memdesc';
import { ZPool, compressInto, decompress, type ZEntry } from '../lib/zpool.js';

function keepIfUseful(pool: ZPool, e: ZEntry): ZEntry | null {
  const data = decompress(e);
  if (data.every((b) => b === 0)) {
    pool.freeEntry(e);
    return null;
  }
  return e;
}

export function run(mem: Memory): number {
  const pool = new ZPool(mem);
  let kept = 0;
  for (let off = 0; off < 4; off++) {
    const e = pool.allocEntry();
    if (!e) break;
    compressInto(e, new Uint8Array(128).fill(off % 2));
    const maybe = keepIfUseful(pool, e);
    if (maybe === null) continue;
    pool.store(off, maybe);
    kept++;
  }
  pool.destroy();
  return kept;
}
