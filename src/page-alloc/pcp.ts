// A module-local copy: V8 folds a local const into the code, re-reads an imported one at each use.
const K_PCP: number = PageKind.Pcp;

/**
 * The per-CPU page lists of mm/page_alloc.c (one CPU): `rmqueue_pcplist()` with `rmqueue_bulk()`,
 * `free_unref_page()`, `free_pcppages_bulk()` and `drain_all_pages()`. Each zone's list is a ring
 * of pfns in `Zone.pcp`, used LIFO and drained from the cold end.
 *
 * @module
 */
import { freeOneBlock, takeOrder0 } from './free-area.js';
import { PageKind } from './memmap.js';
import type { MemoryImpl } from './memory.js';
import { VM_PCP_DRAINS, VM_PCP_REFILLS } from './vmstat.js';
import type { Zone } from './zone.js';

export function pcpPush(mem: MemoryImpl, z: Zone, pfn: number): void {
  z.pcp[(z.pcpBottom + z.pcpCount) & z.pcpMask] = pfn;
  z.pcpCount++;
  mem.map.kind[pfn] = K_PCP;
  mem.map.order[pfn] = 0;
}

/** `rmqueue_pcplist()`: pops the hottest page, refilling a batch from the buddy lists if empty. */
export function rmqueuePcp(mem: MemoryImpl, z: Zone): number {
  if (z.pcpCount === 0 && refillPcp(mem, z) === 0) return -1;
  z.pcpCount--;
  return z.pcp[(z.pcpBottom + z.pcpCount) & z.pcpMask]!;
}

/** `rmqueue_bulk()`: refills an empty per-CPU list with a batch; returns how many pages it took. */
export function refillPcp(mem: MemoryImpl, z: Zone): number {
  // The first page taken ends on top, as list_add_tail() leaves it.
  const bulk = mem.bulk;
  const n = takeOrder0(mem, z, z.pcpBatch, bulk);
  if (n === 0) return 0;
  // pcpPush() of bulk[n-1] … bulk[0], inline.
  const kind = mem.map.kind;
  const order = mem.map.order;
  const ring = z.pcp;
  const mask = z.pcpMask;
  let at = z.pcpBottom + z.pcpCount;
  for (let i = n - 1; i >= 0; i--) {
    const pfn = bulk[i]!;
    ring[at++ & mask] = pfn;
    kind[pfn] = K_PCP;
    order[pfn] = 0;
  }
  z.pcpCount += n;
  mem.vm[VM_PCP_REFILLS]!++;
  return n;
}

/** `free_unref_page()`: an order-0 page goes to the per-CPU list; past `high`, a batch drains. */
export function freePcp(mem: MemoryImpl, z: Zone, pfn: number): void {
  pcpPush(mem, z, pfn);
  if (z.pcpCount >= z.pcpHigh) drainHigh(mem, z);
}

/** `free_pcppages_bulk()` when the list reached `high`: a batch from the cold end. */
export function drainHigh(mem: MemoryImpl, z: Zone): void {
  drainPcp(mem, z, z.pcpBatch);
  mem.vm[VM_PCP_DRAINS]!++;
}

/** `free_pcppages_bulk()`: gives the coldest `count` pages back to the buddy lists. */
export function drainPcp(mem: MemoryImpl, z: Zone, count: number): void {
  while (count-- > 0 && z.pcpCount > 0) {
    const pfn = z.pcp[z.pcpBottom]!;
    z.pcpBottom = (z.pcpBottom + 1) & z.pcpMask;
    z.pcpCount--;
    freeOneBlock(mem, z, pfn, 0);
  }
}

/** `drain_all_pages()`. */
export function drainAll(mem: MemoryImpl): void {
  for (const z of mem.zones) {
    if (z.pcpCount > 0) {
      drainPcp(mem, z, z.pcpCount);
      mem.vm[VM_PCP_DRAINS]!++;
    }
  }
}
