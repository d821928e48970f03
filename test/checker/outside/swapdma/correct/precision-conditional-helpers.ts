// Helpers that free conditionally but correctly, and folio references got and put in
// different helpers: the swap cache's lookup/remove, a helper that consumes the reference
// only on one branch and says so in its return value.
import { folioPut, type Memory } from 'memdesc';
import { SwapCache, swapReadahead, readSwapTag, type SwapFolio } from '../lib/swapcache.js';

/** Drops the reference when the folio is stale and returns true; otherwise keeps it. */
function dropIfStale(folio: SwapFolio, offset: number): boolean {
  if (readSwapTag(folio) !== offset) {
    folioPut(folio);
    return true;
  }
  return false;
}

function pin(cache: SwapCache, offset: number): SwapFolio | null {
  return cache.lookup(offset) ?? swapReadahead(cache, offset);
}

function unpin(folio: SwapFolio): void {
  folioPut(folio);
}

export function run(mem: Memory): void {
  const cache = new SwapCache(mem);
  const pinned = new Map<number, SwapFolio>();
  for (const off of [0, 1, 2, 9]) {
    const f = pin(cache, off);
    if (f === null) continue;
    if (dropIfStale(f, off)) continue;
    const prev = pinned.get(off);
    if (prev !== undefined) unpin(prev);
    pinned.set(off, f);
  }
  // a second pin of a cached offset: a balanced get/put across helpers
  const again = pin(cache, 1);
  if (again !== null) unpin(again);
  for (const [off, f] of pinned) {
    pinned.delete(off);
    unpin(f);
  }
  cache.remove(0);
  cache.clear();
}
