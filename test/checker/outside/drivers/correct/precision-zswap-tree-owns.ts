// Ownership handed to a longer-lived structure: entries stored in the pool's tree are
// freed by invalidate()/destroy(), not by the function that allocated them.
import type { Memory } from 'memdesc';
import { ZPool, compressInto, decompress, type ZEntry } from '../lib/zpool.js';

function buildEntry(pool: ZPool, fill: number): ZEntry | null {
  const e = pool.allocEntry();
  if (!e) return null;
  compressInto(e, new Uint8Array(128).fill(fill));
  return e;
}

export function run(mem: Memory): number {
  const pool = new ZPool(mem);
  let sum = 0;
  for (let off = 0; off < 6; off++) {
    const e = buildEntry(pool, off);
    if (!e) continue;
    pool.store(off % 3, e); // replaces (and frees) an older entry at the same offset
  }
  for (const e of pool.tree.values()) sum += decompress(e)[0] ?? 0;
  pool.invalidate(1);
  pool.destroy();
  return sum;
}
