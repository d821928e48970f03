// Swap-in faults over a range of offsets. Each fault takes its own folio reference (from the
// cache or from readahead); stale (odd-tagged) slots are dropped from the cache at once.
// Fixed: only folios that pass the stale check are queued on `mapped`.
import { folioPut, type Memory } from 'memdesc';
import { SwapCache, swapReadahead, readSwapTag, type SwapFolio } from '../lib/swapcache.js';

function faultIn(cache: SwapCache, offsets: readonly number[]): SwapFolio[] {
  const mapped: SwapFolio[] = [];
  for (const off of offsets) {
    const folio = cache.lookup(off) ?? swapReadahead(cache, off);
    if (folio === null) continue;
    if (readSwapTag(folio) % 2 === 1) {
      folioPut(folio);
      cache.remove(off);
      continue;
    }
    mapped.push(folio);
  }
  return mapped;
}

export function run(mem: Memory): void {
  const cache = new SwapCache(mem);
  const mapped = faultIn(cache, [2, 3]);
  for (const f of mapped) folioPut(f);
  cache.clear();
}
