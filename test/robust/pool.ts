/**
 * Memory pressure for the re-entrancy tests: a pool holding every page GFP_NOWAIT can get (the
 * machine sits at its min watermark, so the next allocation that may sleep runs direct reclaim),
 * and the shrinker scan that gives pages back from it.
 */
import { allocPage, freePage, GFP_NOWAIT, __GFP_NOWARN, type Memory, type Owned, type Page, type ShrinkControl } from '../../src/index.js';

export type Pool = Owned<Page<0>>[];

/** Takes pages with GFP_NOWAIT until one fails. */
export function drainToMin(mem: Memory): Pool {
  const pool: Pool = [];
  for (;;) {
    const p = allocPage(mem, GFP_NOWAIT | __GFP_NOWARN);
    if (p === null) return pool;
    pool.push(p);
  }
}

/** A scanObjects body: frees up to `sc.nrToScan` pages of the pool, returns how many. */
export function freeFromPool(pool: Pool, sc: ShrinkControl): number {
  let n = 0;
  while (n < sc.nrToScan && pool.length > 0) {
    freePage(pool.pop()!);
    n++;
  }
  return n;
}

/** Gives every page back. */
export function emptyPool(pool: Pool): void {
  for (const p of pool.splice(0)) freePage(p);
}
