// do_swap_page(): fault in one offset. If the PTE changed while the folio was being read
// (another thread faulted it first), back out and let the fault retry.
// Fixed: the back-out path puts the task's folio reference.
import { folioPut, type Memory } from 'memdesc';
import { SwapCache, swapReadahead, readSwapTag } from '../lib/swapcache.js';

const VM_FAULT_RETRY = 0x400;

function doSwapPage(cache: SwapCache, pte: Map<number, number>, offset: number): number {
  const seq = pte.get(offset) ?? 0;
  const folio = swapReadahead(cache, offset);
  if (folio === null) return -12;
  pte.set(offset, seq + 1); // the racing thread's fault landed meanwhile
  if (pte.get(offset) !== seq) {
    folioPut(folio);
    return VM_FAULT_RETRY;
  }
  const tag = readSwapTag(folio);
  folioPut(folio);
  return tag === offset ? 0 : -5;
}

export function run(mem: Memory): void {
  const cache = new SwapCache(mem);
  const pte = new Map<number, number>();
  doSwapPage(cache, pte, 6);
  cache.clear();
}
