/**
 * The buddy free lists of mm/page_alloc.c: `__add_to_free_list()`, `del_page_from_free_list()`,
 * `__rmqueue_smallest()` with `expand()`, and `__free_one_page()`. The lists are doubly linked
 * through the memmap (`u0` next, `u1` prev).
 *
 * @module
 */
import { MAX_PAGE_ORDER, NR_PAGE_ORDERS } from './constants.js';
import { PageKind } from './memmap.js';
import type { MemoryImpl } from './memory.js';
import type { Zone } from './zone.js';

/** `__add_to_free_list()`: links a block at the head (or the tail) of its free list. */
export function addToFreeList(mem: MemoryImpl, z: Zone, pfn: number, order: number, tail: boolean): void {
  const m = mem.map;
  m.kind[pfn] = PageKind.Buddy;
  m.order[pfn] = order;
  const head = z.freeHead[order]!;
  if (head < 0) {
    m.u0[pfn] = -1;
    m.u1[pfn] = -1;
    z.freeHead[order] = pfn;
    z.freeTail[order] = pfn;
  } else if (tail) {
    const last = z.freeTail[order]!;
    m.u0[last] = pfn;
    m.u1[pfn] = last;
    m.u0[pfn] = -1;
    z.freeTail[order] = pfn;
  } else {
    m.u0[pfn] = head;
    m.u1[pfn] = -1;
    m.u1[head] = pfn;
    z.freeHead[order] = pfn;
  }
  z.nrFree[order]!++;
  z.freePages += 1 << order;
}

/** `del_page_from_free_list()`: unlinks a block; its head becomes an ordinary page. */
export function delFromFreeList(mem: MemoryImpl, z: Zone, pfn: number, order: number): void {
  const m = mem.map;
  const next = m.u0[pfn]!;
  const prev = m.u1[pfn]!;
  if (prev < 0) z.freeHead[order] = next;
  else m.u0[prev] = next;
  if (next < 0) z.freeTail[order] = prev;
  else m.u1[next] = prev;
  m.kind[pfn] = PageKind.None;
  m.u0[pfn] = 0;
  m.u1[pfn] = 0;
  z.nrFree[order]!--;
  z.freePages -= 1 << order;
}

/** `__rmqueue_smallest()` + `expand()`: the smallest free block that fits, split down. */
export function rmqueueSmallest(mem: MemoryImpl, z: Zone, order: number): number {
  for (let o = order; o < NR_PAGE_ORDERS; o++) {
    const pfn = z.freeHead[o]!;
    if (pfn < 0) continue;
    delFromFreeList(mem, z, pfn, o);
    // expand(): hand the upper halves back, largest first.
    let high = o;
    let size = 1 << o;
    while (high > order) {
      high--;
      size >>= 1;
      addToFreeList(mem, z, pfn + size, high, false);
    }
    return pfn;
  }
  return -1;
}

/** `__free_one_page()`: merges with free buddies (`buddy = pfn ^ (1 << order)`) as far as it can. */
export function freeOneBlock(mem: MemoryImpl, z: Zone, pfn: number, order: number): void {
  const m = mem.map;
  const kind = m.kind;
  const ord = m.order;
  m.kind[pfn] = PageKind.None;
  while (order < MAX_PAGE_ORDER) {
    const buddy = pfn ^ (1 << order);
    if (buddy < z.start || buddy >= z.end || kind[buddy] !== PageKind.Buddy || ord[buddy] !== order) break;
    delFromFreeList(mem, z, buddy, order);
    pfn &= buddy;
    order++;
  }
  // buddy_merge_likely(): if the next-larger buddy is free, this block's buddy is probably about
  // to be freed too — queue it at the tail so it is not handed out in the meantime.
  let toTail = false;
  if (order < MAX_PAGE_ORDER - 1) {
    const buddy = pfn ^ (1 << order);
    const higher = pfn & buddy;
    const higherBuddy = higher ^ (1 << (order + 1));
    toTail =
      higherBuddy >= z.start && higherBuddy < z.end && kind[higherBuddy] === PageKind.Buddy && ord[higherBuddy] === order + 1;
  }
  addToFreeList(mem, z, pfn, order, toTail);
}
