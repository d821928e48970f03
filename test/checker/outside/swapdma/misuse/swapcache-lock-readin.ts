// Swap-in under the swap_info lock: the slot's state is checked and the read is started in one
// critical section so no other task reads the same slot twice.
// Bug: readIn() allocates a folio with GFP_KERNEL and locks it (both may sleep) under the
// spinlock.
import { spinLockInit, withSpinLock, folioPut, type Memory } from 'memdesc';
import { SwapCache, readSwapTag, type SwapFolio } from '../lib/swapcache.js';

export function run(mem: Memory): void {
  const cache = new SwapCache(mem);
  const siLock = spinLockInit(mem, 'swap_info');
  const inflight = new Set<number>();
  const got: SwapFolio[] = [];
  for (const off of [10, 11]) {
    const folio = withSpinLock(siLock, () => {
      if (inflight.has(off)) return null;
      inflight.add(off);
      return cache.lookup(off) ?? cache.readIn(off); // expect: sleep-in-atomic
    });
    if (folio !== null) got.push(folio);
  }
  for (const f of got) {
    void readSwapTag(f);
    folioPut(f);
  }
  cache.clear();
}
