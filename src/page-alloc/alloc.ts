/**
 * The allocation and free paths of mm/page_alloc.c: `__alloc_pages()` (the fast path at the low
 * watermark, `__alloc_pages_slowpath()` at the min watermark with direct reclaim),
 * `get_page_from_freelist()`, `__zone_watermark_ok()`, `gfp_to_alloc_flags()`, `prep_new_page()`
 * and the free side (`free_pages_prepare()` then the per-CPU list or `__free_one_page()`).
 *
 * @module
 */
import { ORDER_UNIT, REC, REC_ALLOC_TS, REC_FREE_TS, REC_GFP_ORDER, captureSite } from '../debug/page-owner.js';
import { NR_PAGE_ORDERS } from './constants.js';
import { freeOneBlock, rmqueueSmallest } from './free-area.js';
import { __GFP_COMP, __GFP_DIRECT_RECLAIM, __GFP_HIGH, __GFP_KSWAPD_RECLAIM, __GFP_NOMEMALLOC, __GFP_ZERO } from './gfp.js';
import { PageFlag, PageKind } from './memmap.js';
import type { MemoryImpl } from './memory.js';
import { reclaimHook } from './hooks.js';
import { drainAll, freePcp, refillPcp, rmqueuePcp } from './pcp.js';
import { warnAlloc } from './report.js';
import { VM_ALLOCATIONS, VM_CLOCK, VM_FREES, VM_KIND, VM_PGALLOC, VM_SLOWPATH } from './vmstat.js';
import type { Zone } from './zone.js';

/** `MAX_RECLAIM_RETRIES`: how often the slow path retries after reclaim made progress. */
export const MAX_RECLAIM_RETRIES = 16;


/* alloc_flags, as in mm/internal.h (values are memdesc's own). */
export const ALLOC_WMARK_MIN = 1;
export const ALLOC_WMARK_LOW = 2;
export const ALLOC_MIN_RESERVE = 4;
export const ALLOC_NON_BLOCK = 8;
/** `ALLOC_NO_WATERMARKS`: ignore the watermarks (allocations made from inside reclaim). */
export const ALLOC_NO_WATERMARKS = 16;

/**
 * `gfp_to_alloc_flags()`: the slow path works against the min watermark; `__GFP_HIGH` may use half
 * of the reserve below it, and a caller that cannot sleep a further quarter (unless
 * `__GFP_NOMEMALLOC`). So `GFP_ATOMIC` dips below min and `GFP_NOWAIT` does not.
 */
export function gfpToAllocFlags(gfp: number): number {
  let flags = ALLOC_WMARK_MIN;
  if (gfp & __GFP_HIGH) flags |= ALLOC_MIN_RESERVE;
  if ((gfp & __GFP_DIRECT_RECLAIM) === 0 && (gfp & __GFP_NOMEMALLOC) === 0) flags |= ALLOC_NON_BLOCK;
  return flags;
}

/**
 * `__zone_watermark_ok()`: would this zone still be above `mark` after the allocation, given
 * the reserves the caller may use?
 */
export function watermarkOk(mem: MemoryImpl, z: Zone, order: number, mark: number, allocFlags: number): boolean {
  if (allocFlags & ALLOC_NO_WATERMARKS) return order === 0 ? z.freePages > 0 : hasFreeBlock(z, order);
  let min = mark;
  const free = z.freePages - ((1 << order) - 1);
  if (allocFlags & ALLOC_MIN_RESERVE) {
    min -= min >> 1;
    if (allocFlags & ALLOC_NON_BLOCK) min -= min >> 2;
  }
  if (free <= min) return false;
  if (order === 0) return true;
  for (let o = order; o < NR_PAGE_ORDERS; o++) if (z.nrFree[o]! > 0) return true;
  return false;
}

export function hasFreeBlock(z: Zone, order: number): boolean {
  for (let o = order; o < NR_PAGE_ORDERS; o++) if (z.nrFree[o]! > 0) return true;
  return false;
}

/** `get_page_from_freelist()`: the first zone in the zonelist that passes its watermark. */
export function getPageFromFreelist(mem: MemoryImpl, gfp: number, order: number, allocFlags: number): number {
  const zones = mem.zones;
  for (let i = mem.highestZoneIdx(gfp); i >= 0; i--) {
    const z = zones[i]!;
    const mark = allocFlags & ALLOC_WMARK_MIN ? z.wmarkMin : z.wmarkLow;
    if (!watermarkOk(mem, z, order, mark, allocFlags)) continue;
    const pfn = order === 0 ? rmqueuePcp(mem, z) : rmqueueSmallest(mem, z, order);
    if (pfn >= 0) return pfn;
  }
  return -1;
}

/**
 * `__alloc_pages()`: the fast path at the low watermark, then the slow path at the min watermark
 * with the reserves the GFP flags allow, then (for callers that may sleep) draining the per-CPU
 * lists and trying again. Returns the head pfn or -1. Arguments are already validated.
 */
export function allocBlock(mem: MemoryImpl, gfp: number, order: number): number {
  const z = mem.soleZone;
  if (order === 0 && z !== null) {
    // The common case, inline: get_page_from_freelist() at the low watermark + rmqueue_pcplist().
    if (z.pcpCount > 0 && z.freePages > z.wmarkLow && !mem.fail.enabled) {
      z.pcpCount--;
      return z.pcp[(z.pcpBottom + z.pcpCount) & z.pcpMask]!;
    }
  }
  if (mem.fail.enabled) {
    const fail = mem.fail.shouldFail(gfp, order);
    mem.updateFast(); // fault injection may have run out
    if (fail) {
      warnAlloc(mem, gfp, order, true);
      return -1;
    }
  }
  let pfn = getPageFromFreelist(mem, gfp, order, ALLOC_WMARK_LOW);
  if (pfn < 0) {
    // __alloc_pages_slowpath(): wake kswapd, retry against the min watermark with the reserves
    // the GFP flags allow, then — for a caller that may sleep, and not from inside reclaim
    // (PF_MEMALLOC) — direct reclaim, draining the per-CPU lists once, while it makes progress.
    mem.vm[VM_SLOWPATH]!++;
    if (gfp & __GFP_KSWAPD_RECLAIM) mem.kswapdWoken = true;
    // Inside reclaim (PF_MEMALLOC), the shrinkers' own allocations may use every reserve.
    const flags = mem.inReclaim && (gfp & __GFP_NOMEMALLOC) === 0 ? ALLOC_NO_WATERMARKS : gfpToAllocFlags(gfp);
    pfn = getPageFromFreelist(mem, gfp, order, flags);
    if (pfn < 0 && gfp & __GFP_DIRECT_RECLAIM && !mem.inReclaim) {
      let drained = false;
      for (let retry = 0; retry < MAX_RECLAIM_RETRIES && pfn < 0; retry++) {
        const reclaim = reclaimHook.fn;
        const progress = reclaim === null ? 0 : reclaim(mem, gfp, order);
        pfn = getPageFromFreelist(mem, gfp, order, flags);
        if (pfn >= 0) break;
        // __alloc_pages_direct_reclaim(): drain the per-CPU lists once and retry the free lists.
        if (!drained && mem.pcpPages > 0) {
          drainAll(mem);
          drained = true;
          pfn = getPageFromFreelist(mem, gfp, order, flags);
          if (pfn >= 0) break;
        }
        // should_reclaim_retry(): only while reclaim makes progress.
        if (progress === 0) break;
      }
    }
    if (pfn < 0) {
      warnAlloc(mem, gfp, order, false);
      return -1;
    }
  }
  return pfn;
}

/** Marks a just-taken block as allocated: its memdesc kind, compound tails, zeroing, owner. */
export function prepBlock(mem: MemoryImpl, pfn: number, order: number, gfp: number, kind: PageKind): void {
  const m = mem.map;
  m.kind[pfn] = kind;
  m.order[pfn] = order;
  // u0/u1 are already 0: a block leaves the free lists through delFromFreeList(), which clears them.
  if (order > 0 && gfp & __GFP_COMP) {
    m.flags[pfn] = PageFlag.Head;
    const end = pfn + (1 << order);
    for (let t = pfn + 1; t < end; t++) {
      m.kind[t] = PageKind.Tail;
      m.u0[t] = pfn;
    }
  } else {
    m.flags[pfn] = 0;
  }
  if ((gfp & __GFP_ZERO || mem.initOnAlloc) && mem.contents.size > 0) mem.dropContents(pfn, 1 << order);
  const vm = mem.vm;
  const po = mem.pageOwner;
  if (po !== null) {
    // set_page_owner(): a few stores; the stack only with pageOwnerStacks.
    const r = REC * pfn;
    po.rec[r + REC_ALLOC_TS] = vm[VM_CLOCK]!;
    po.rec[r + REC_GFP_ORDER] = gfp + order * ORDER_UNIT;
    if (po.allocSites !== null) po.allocSites.set(pfn, captureSite());
  }
  const n = 1 << order;
  vm[VM_KIND + kind]! += n;
  if (kind === PageKind.Folio) mem.foliosByOrder[order]!++;
  vm[VM_PGALLOC]! += n;
  vm[VM_ALLOCATIONS]!++;
}

/** Gives a validated allocated block back: clears tails, bumps the generation, frees. */
export function releaseBlock(mem: MemoryImpl, pfn: number, order: number): void {
  const m = mem.map;
  const kind = m.kind[pfn]!;
  if (m.flags[pfn]! !== 0) {
    if (m.flags[pfn]! & PageFlag.Head) {
      const end = pfn + (1 << order);
      for (let t = pfn + 1; t < end; t++) {
        m.kind[t] = PageKind.None;
        m.u0[t] = 0;
      }
    }
    m.flags[pfn] = 0;
  }
  if (kind !== PageKind.Bare) {
    // Counted memdescs keep refcount/mapcount in u0/u1; bare blocks never touch them.
    m.u0[pfn] = 0;
    m.u1[pfn] = 0;
  }
  m.gen[pfn] = (m.gen[pfn]! + 1) >>> 0;
  const n = 1 << order;
  mem.vm[VM_KIND + kind]! -= n;
  if (kind === PageKind.Folio) mem.foliosByOrder[order]!--;
  const vm = mem.vm;
  vm[VM_FREES]!++;
  const po = mem.pageOwner;
  if (po !== null) {
    // __reset_page_owner(): the free's timestamp; the allocation record stays for reports.
    po.rec[REC * pfn + REC_FREE_TS] = vm[VM_CLOCK]!;
    if (po.freeSites !== null) po.freeSites.set(pfn, captureSite());
  }
  const z = mem.soleZone ?? mem.zoneOf(pfn);
  if (order === 0) freePcp(mem, z, pfn);
  else freeOneBlock(mem, z, pfn, order);
}

/*
 * Module-local copies of the constants the bulk loops below use: V8 folds a local const into the
 * code, but re-reads (and checks) an imported binding at every use, inside the loop too.
 */
const PO_REC = REC;
const PO_ALLOC_TS = REC_ALLOC_TS;
const PO_FREE_TS = REC_FREE_TS;
const PO_GFP_ORDER = REC_GFP_ORDER;
const K_BARE: number = PageKind.Bare;
const K_FOLIO: number = PageKind.Folio;
const KIND = VM_KIND;
const PGALLOC = VM_PGALLOC;
const ALLOCS = VM_ALLOCATIONS;
const FREES = VM_FREES;
const CLOCK = VM_CLOCK;

/**
 * `alloc_pages_bulk()`'s fast path: order-0 pages for the `count` slots `at, at + 1, …` of `out`
 * whose value is -1 (any other value is a populated slot, skipped as the kernel skips non-NULL entries),
 * each prepared as `kind`, from the per-CPU list of the first zone that stays above its low
 * watermark plus `count` pages. Returns how many pages it took; it stops at the first slot the
 * per-CPU list cannot fill (refilled from the buddy lists first). It never enters the slow path:
 * 0 means the caller must fall back to one `allocBlock()` (the kernel's `failed:` label); -1 that
 * fault injection failed the call (`prepare_alloc_pages()` said no: nothing more is tried). The
 * caller has ticked the clock; one stack (with `pageOwnerStacks`) serves every page.
 */
export function allocBulk0(mem: MemoryImpl, gfp: number, count: number, kind: PageKind, out: Int32Array, at: number): number {
  if (mem.fail.enabled) {
    // should_fail_alloc_page(), once for the call, in prepare_alloc_pages().
    const fail = mem.fail.shouldFail(gfp, 0);
    mem.updateFast();
    if (fail) {
      warnAlloc(mem, gfp, 0, true);
      return -1;
    }
  }
  const zones = mem.zones;
  let z: Zone | null = null;
  for (let i = mem.highestZoneIdx(gfp); i >= 0; i--) {
    const c = zones[i]!;
    if (watermarkOk(mem, c, 0, c.wmarkLow + count, ALLOC_WMARK_LOW)) {
      z = c;
      break;
    }
  }
  if (z === null) return 0;
  const m = mem.map;
  const vm = mem.vm;
  const clock = vm[CLOCK]!;
  const zero = (gfp & __GFP_ZERO || mem.initOnAlloc) && mem.contents.size > 0;
  const po = mem.pageOwner;
  const site = po !== null && po.allocSites !== null ? captureSite() : null;
  let n = 0;
  for (let i = at; i < at + count; i++) {
    if (out[i] !== -1) continue;
    if (z.pcpCount === 0 && refillPcp(mem, z) === 0) break;
    const c = --z.pcpCount;
    const pfn = z.pcp[(z.pcpBottom + c) & z.pcpMask]!;
    // prep_new_page() of an order-0 page off the per-CPU list: order 0, no flags already.
    m.kind[pfn] = kind;
    if (zero) mem.contents.delete(pfn);
    if (po !== null) {
      const r = PO_REC * pfn;
      po.rec[r + PO_ALLOC_TS] = clock;
      po.rec[r + PO_GFP_ORDER] = gfp;
      if (site !== null) po.allocSites!.set(pfn, site);
    }
    out[i] = pfn;
    n++;
  }
  vm[KIND + kind]! += n;
  vm[PGALLOC]! += n;
  vm[ALLOCS]! += n;
  return n;
}

/**
 * `releaseBlock()` for many order-0 pages at once (vfree's `__free_page()` per page): the same
 * state, with the clock read and the page_owner stack (with `pageOwnerStacks`) taken once. The
 * caller validated every page and ticked the clock.
 */
export function releaseBulk0(mem: MemoryImpl, pages: Int32Array): void {
  const m = mem.map;
  const vm = mem.vm;
  const clock = vm[CLOCK]!;
  const po = mem.pageOwner;
  const site = po !== null && po.freeSites !== null ? captureSite() : null;
  const sole = mem.soleZone;
  for (let i = 0; i < pages.length; i++) {
    const pfn = pages[i]!;
    const kind = m.kind[pfn]!;
    if (m.flags[pfn] !== 0) m.flags[pfn] = 0; // an order-0 page is never a compound head
    if (kind !== K_BARE) {
      m.u0[pfn] = 0;
      m.u1[pfn] = 0;
    }
    m.gen[pfn] = (m.gen[pfn]! + 1) >>> 0;
    vm[KIND + kind]!--;
    if (kind === K_FOLIO) mem.foliosByOrder[0]!--;
    if (po !== null) {
      po.rec[PO_REC * pfn + PO_FREE_TS] = clock;
      if (site !== null) po.freeSites!.set(pfn, site);
    }
    freePcp(mem, sole ?? mem.zoneOf(pfn), pfn);
  }
  vm[FREES]! += pages.length;
}
