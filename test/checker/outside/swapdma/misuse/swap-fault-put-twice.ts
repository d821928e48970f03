// Swap-in faults over a range of offsets. Each fault takes its own folio reference (from the
// cache or from readahead); stale (odd-tagged) slots are dropped from the cache at once.
// Bug: the folio is queued on `mapped` before the stale check, so the stale path's put is
// followed by a second put when the task unmaps everything.
import { folioPut, type Memory } from 'memdesc';
import { SwapCache, swapReadahead, readSwapTag, type SwapFolio } from '../lib/swapcache.js';

function faultIn(cache: SwapCache, offsets: readonly number[]): SwapFolio[] {
  const mapped: SwapFolio[] = [];
  for (const off of offsets) {
    const folio = cache.lookup(off) ?? swapReadahead(cache, off);
    if (folio === null) continue;
    mapped.push(folio);
    if (readSwapTag(folio) % 2 === 1) {
      folioPut(folio); // expect-also: double-free
      cache.remove(off);
      continue;
    }
  }
  return mapped;
}

export function run(mem: Memory): void {
  const cache = new SwapCache(mem);
  const mapped = faultIn(cache, [2, 3]);
  for (const f of mapped) folioPut(f); // expect: double-free
  cache.clear();
}
