/**
 * The buddy free lists of mm/page_alloc.c: `__add_to_free_list()`, `del_page_from_free_list()`,
 * `__rmqueue_smallest()` with `expand()`, `rmqueue_bulk()`'s walk of them, and `__free_one_page()`. The lists are doubly linked
 * through the memmap (`u0` next, `u1` prev).
 *
 * @module
 */
import { MAX_PAGE_ORDER, NR_PAGE_ORDERS } from './constants.js';
import { PageKind } from './memmap.js';
import type { MemoryImpl } from './memory.js';
import type { Zone } from './zone.js';

// Module-local copies: V8 folds a local const into the code, but re-reads (and checks) an
// imported binding at every use — in these loops, on every page.
const K_NONE: number = PageKind.None;
const K_BUDDY: number = PageKind.Buddy;
const MAX_ORDER = MAX_PAGE_ORDER;
const NR_ORDERS = NR_PAGE_ORDERS;

/** `__add_to_free_list()`: links a block at the head (or the tail) of its free list. */
export function addToFreeList(mem: MemoryImpl, z: Zone, pfn: number, order: number, tail: boolean): void {
  const m = mem.map;
  m.kind[pfn] = K_BUDDY;
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
  m.kind[pfn] = K_NONE;
  m.u0[pfn] = 0;
  m.u1[pfn] = 0;
  z.nrFree[order]!--;
  z.freePages -= 1 << order;
}

/** `__rmqueue_smallest()` + `expand()`: the smallest free block that fits, split down. */
export function rmqueueSmallest(mem: MemoryImpl, z: Zone, order: number): number {
  for (let o = order; o < NR_ORDERS; o++) {
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

/**
 * `rmqueue_bulk()`'s part in the buddy lists: takes up to `count` order-0 pages into `out` and
 * returns how many — the same pages, in the same order, leaving the same free lists and memmap as
 * `count` calls of `__rmqueue_smallest(zone, 0)`. Those calls take the order-0 list first; when it
 * is empty they split the smallest block, and the pieces `expand()` puts back are taken next, so a
 * block of order o gives its pages in address order while the lists below o hold only its pieces.
 * Here that block is carved at once: its first `take` pages are taken and the rest goes back as its
 * aligned binary decomposition, one block per order, each at the head of a list that was empty —
 * where the one-by-one calls would leave them.
 */
export function takeOrder0(mem: MemoryImpl, z: Zone, count: number, out: Int32Array): number {
  const m = mem.map;
  let n = 0;
  while (n < count) {
    const first = z.freeHead[0]!;
    if (first >= 0) {
      delFromFreeList(mem, z, first, 0);
      out[n++] = first;
      continue;
    }
    let o = 1;
    while (o < NR_ORDERS && z.freeHead[o]! < 0) o++;
    if (o === NR_ORDERS) break;
    const pfn = z.freeHead[o]!;
    delFromFreeList(mem, z, pfn, o);
    const size = 1 << o;
    const take = Math.min(size, count - n);
    out[n++] = pfn;
    for (let i = 1; i < take; i++) {
      // As del_page_from_free_list() leaves a piece's head once expand() put it back and it was taken.
      const p = pfn + i;
      m.kind[p] = K_NONE;
      m.u0[p] = 0;
      m.u1[p] = 0;
      out[n++] = p;
    }
    // The rest of the block, [pfn + take, pfn + size): ascending aligned blocks.
    for (let off = take; off < size; ) {
      const order = 31 - Math.clz32(off & -off);
      addToFreeList(mem, z, pfn + off, order, false);
      off += 1 << order;
    }
  }
  return n;
}

/** `__free_one_page()`: merges with free buddies (`buddy = pfn ^ (1 << order)`) as far as it can. */
export function freeOneBlock(mem: MemoryImpl, z: Zone, pfn: number, order: number): void {
  const m = mem.map;
  const kind = m.kind;
  const ord = m.order;
  const u0 = m.u0;
  const u1 = m.u1;
  const start = z.start;
  const end = z.end;
  const freed = 1 << order;
  kind[pfn] = K_NONE;
  while (order < MAX_ORDER) {
    const buddy = pfn ^ (1 << order);
    if (buddy < start || buddy >= end || kind[buddy] !== K_BUDDY || ord[buddy] !== order) break;
    // del_page_from_free_list(buddy, order), inline; NR_FREE_PAGES is settled once below.
    const next = u0[buddy]!;
    const prev = u1[buddy]!;
    if (prev < 0) z.freeHead[order] = next;
    else u0[prev] = next;
    if (next < 0) z.freeTail[order] = prev;
    else u1[next] = prev;
    kind[buddy] = K_NONE;
    u0[buddy] = 0;
    u1[buddy] = 0;
    z.nrFree[order]!--;
    pfn &= buddy;
    order++;
  }
  // The buddies merged in were free pages already: only `freed` pages are new.
  z.freePages -= (1 << order) - freed;
  // buddy_merge_likely(): if the next-larger buddy is free, this block's buddy is probably about
  // to be freed too — queue it at the tail so it is not handed out in the meantime.
  let toTail = false;
  if (order < MAX_ORDER - 1) {
    const buddy = pfn ^ (1 << order);
    const higher = pfn & buddy;
    const higherBuddy = higher ^ (1 << (order + 1));
    toTail = higherBuddy >= start && higherBuddy < end && kind[higherBuddy] === K_BUDDY && ord[higherBuddy] === order + 1;
  }
  addToFreeList(mem, z, pfn, order, toTail);
}
