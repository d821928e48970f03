// Swap-in under the swap_info lock: the slot is claimed in a critical section so no other task
// reads the same slot twice.
// Fixed: only the claim runs under the spinlock; the read (which may sleep) runs after it.
import { spinLockInit, withSpinLock, folioPut, type Memory } from 'memdesc';
import { SwapCache, readSwapTag, type SwapFolio } from '../lib/swapcache.js';

export function run(mem: Memory): void {
  const cache = new SwapCache(mem);
  const siLock = spinLockInit(mem, 'swap_info');
  const inflight = new Set<number>();
  const got: SwapFolio[] = [];
  for (const off of [10, 11]) {
    const claimed = withSpinLock(siLock, () => {
      if (inflight.has(off)) return false;
      inflight.add(off);
      return true;
    });
    if (!claimed) continue;
    const folio = cache.lookup(off) ?? cache.readIn(off);
    if (folio !== null) got.push(folio);
  }
  for (const f of got) {
    void readSwapTag(f);
    folioPut(f);
  }
  cache.clear();
}
