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
import { __GFP_COMP, __GFP_DIRECT_RECLAIM, __GFP_HIGH, __GFP_KSWAPD_RECLAIM, __GFP_NOFAIL, __GFP_NOMEMALLOC, __GFP_ZERO, gfpToString } from './gfp.js';
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

/*
 * Module-local copies of the constants this file's paths use: V8 folds a local const into the code,
 * but re-reads (and checks) an imported or exported binding's cell at every use — on every page.
 */
const GFP_COMP_ = __GFP_COMP;
const GFP_DIRECT_RECLAIM_ = __GFP_DIRECT_RECLAIM;
const GFP_HIGH_ = __GFP_HIGH;
const GFP_KSWAPD_RECLAIM_ = __GFP_KSWAPD_RECLAIM;
const GFP_NOMEMALLOC_ = __GFP_NOMEMALLOC;
const GFP_NOFAIL_ = __GFP_NOFAIL;
const GFP_ZERO_ = __GFP_ZERO;
const WMARK_MIN_ = ALLOC_WMARK_MIN;
const WMARK_LOW_ = ALLOC_WMARK_LOW;
const MIN_RESERVE_ = ALLOC_MIN_RESERVE;
const NON_BLOCK_ = ALLOC_NON_BLOCK;
const NO_WATERMARKS_ = ALLOC_NO_WATERMARKS;
const NR_ORDERS_ = NR_PAGE_ORDERS;
const RECLAIM_RETRIES_ = MAX_RECLAIM_RETRIES;
const SLOWPATH_ = VM_SLOWPATH;
const KIND = VM_KIND;
const PGALLOC = VM_PGALLOC;
const ALLOCS = VM_ALLOCATIONS;
const FREES = VM_FREES;
const CLOCK = VM_CLOCK;
const PO_REC = REC;
const PO_ALLOC_TS = REC_ALLOC_TS;
const PO_FREE_TS = REC_FREE_TS;
const PO_GFP_ORDER = REC_GFP_ORDER;
const PO_ORDER_UNIT = ORDER_UNIT;
const F_HEAD: number = PageFlag.Head;
const K_TAIL: number = PageKind.Tail;
const K_NONE: number = PageKind.None;
const K_BARE: number = PageKind.Bare;
const K_FOLIO: number = PageKind.Folio;

/**
 * `gfp_to_alloc_flags()`: the slow path works against the min watermark; `GFP_HIGH_` may use half
 * of the reserve below it, and a caller that cannot sleep a further quarter (unless
 * `GFP_NOMEMALLOC_`). So `GFP_ATOMIC` dips below min and `GFP_NOWAIT` does not.
 */
export function gfpToAllocFlags(gfp: number): number {
  let flags = WMARK_MIN_;
  if (gfp & GFP_HIGH_) flags |= MIN_RESERVE_;
  if ((gfp & GFP_DIRECT_RECLAIM_) === 0 && (gfp & GFP_NOMEMALLOC_) === 0) flags |= NON_BLOCK_;
  return flags;
}

/**
 * `__zone_watermark_ok()`: would this zone still be above `mark` after the allocation, given
 * the reserves the caller may use?
 */
export function watermarkOk(mem: MemoryImpl, z: Zone, order: number, mark: number, allocFlags: number): boolean {
  if (allocFlags & NO_WATERMARKS_) return order === 0 ? z.freePages > 0 : hasFreeBlock(z, order);
  let min = mark;
  const free = z.freePages - ((1 << order) - 1);
  if (allocFlags & MIN_RESERVE_) {
    min -= min >> 1;
    if (allocFlags & NON_BLOCK_) min -= min >> 2;
  }
  if (free <= min) return false;
  if (order === 0) return true;
  for (let o = order; o < NR_ORDERS_; o++) if (z.nrFree[o]! > 0) return true;
  return false;
}

export function hasFreeBlock(z: Zone, order: number): boolean {
  for (let o = order; o < NR_ORDERS_; o++) if (z.nrFree[o]! > 0) return true;
  return false;
}

/** `get_page_from_freelist()`: the first zone in the zonelist that passes its watermark. */
export function getPageFromFreelist(mem: MemoryImpl, gfp: number, order: number, allocFlags: number): number {
  const zones = mem.zones;
  for (let i = mem.highestZoneIdx(gfp); i >= 0; i--) {
    const z = zones[i]!;
    const mark = allocFlags & WMARK_MIN_ ? z.wmarkMin : z.wmarkLow;
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
  let pfn = getPageFromFreelist(mem, gfp, order, WMARK_LOW_);
  if (pfn < 0) {
    // __alloc_pages_slowpath(): wake kswapd, retry against the min watermark with the reserves
    // the GFP flags allow, then — for a caller that may sleep, and not from inside reclaim
    // (PF_MEMALLOC) — direct reclaim, draining the per-CPU lists once, while it makes progress.
    mem.vm[SLOWPATH_]!++;
    if (gfp & GFP_KSWAPD_RECLAIM_) mem.kswapdWoken = true;
    if (gfp & GFP_NOFAIL_) warnNofail(mem, gfp, order);
    // Inside reclaim (PF_MEMALLOC), the shrinkers' own allocations may use every reserve.
    const flags = mem.inReclaim && (gfp & GFP_NOMEMALLOC_) === 0 ? NO_WATERMARKS_ : gfpToAllocFlags(gfp);
    pfn = getPageFromFreelist(mem, gfp, order, flags);
    if (pfn < 0 && gfp & GFP_DIRECT_RECLAIM_ && !mem.inReclaim) {
      let drained = false;
      for (let retry = 0; retry < RECLAIM_RETRIES_ && pfn < 0; retry++) {
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
    if (pfn < 0 && gfp & GFP_NOFAIL_) pfn = nofailFallback(mem, gfp, order);
    if (pfn < 0) {
      warnAlloc(mem, gfp, order, false);
      return -1;
    }
  }
  return pfn;
}

/** The `WARN_ON_ONCE()`s at the top of `__alloc_pages_slowpath()` for a `__GFP_NOFAIL` request. */
function warnNofail(mem: MemoryImpl, gfp: number, order: number): void {
  const mode = `mode:0x${gfp.toString(16)}(${gfpToString(gfp)})`;
  if (order > 1) warnOnce(mem, 'nofail-order', `__GFP_NOFAIL allocation of order ${order}: callers may not ask for more than order-1 units (${mode})`);
  if ((gfp & GFP_DIRECT_RECLAIM_) === 0) {
    warnOnce(mem, 'nofail-noreclaim', `__GFP_NOFAIL without __GFP_DIRECT_RECLAIM: it cannot reclaim, so it can still fail (${mode})`);
  }
  if (mem.inReclaim) warnOnce(mem, 'nofail-memalloc', `__GFP_NOFAIL from inside reclaim (PF_MEMALLOC): nothing can be reclaimed for it (${mode})`);
}

/**
 * The `__GFP_NOFAIL` end of `__alloc_pages_slowpath()`. The kernel never returns NULL here while it
 * may reclaim: it retries forever, with part of the reserve on every retry (`ALLOC_MIN_RESERVE`)
 * and, once the OOM killer has had its turn, every reserve (`ALLOC_NO_WATERMARKS`). memdesc runs
 * one task and has no OOM killer, so nothing can free memory while it waits: it tries both once,
 * and if even the last reserve is gone it fails (null) after warning once that the kernel would
 * retry forever here. Without `__GFP_DIRECT_RECLAIM` it fails like the kernel.
 */
function nofailFallback(mem: MemoryImpl, gfp: number, order: number): number {
  if ((gfp & GFP_DIRECT_RECLAIM_) === 0) return -1;
  let pfn = getPageFromFreelist(mem, gfp, order, WMARK_MIN_ | MIN_RESERVE_);
  if (pfn < 0) pfn = getPageFromFreelist(mem, gfp, order, NO_WATERMARKS_);
  if (pfn < 0) {
    warnOnce(
      mem,
      'nofail-forever',
      `__GFP_NOFAIL allocation of order ${order} cannot be satisfied: every reserve is used up; the kernel would retry forever here (a hang), memdesc has no OOM killer and returns NULL`,
    );
  }
  return pfn;
}

/** `WARN_ON_ONCE()`: each warning once per machine. */
function warnOnce(mem: MemoryImpl, key: string, what: string): void {
  if (mem.warnedOnce.has(key)) return;
  mem.warnedOnce.add(key);
  mem.printkLine(`WARNING: CPU: 0 PID: 1 at mm/page_alloc.c __alloc_pages_slowpath: ${what}`);
}

/** Marks a just-taken block as allocated: its memdesc kind, compound tails, zeroing, owner. */
export function prepBlock(mem: MemoryImpl, pfn: number, order: number, gfp: number, kind: PageKind): void {
  const m = mem.map;
  m.kind[pfn] = kind;
  m.order[pfn] = order;
  // u0/u1 are already 0: a block leaves the free lists through delFromFreeList(), which clears them.
  if (order > 0 && gfp & GFP_COMP_) {
    m.flags[pfn] = F_HEAD;
    const end = pfn + (1 << order);
    for (let t = pfn + 1; t < end; t++) {
      m.kind[t] = K_TAIL;
      m.u0[t] = pfn;
    }
  } else {
    m.flags[pfn] = 0;
  }
  if ((gfp & GFP_ZERO_ || mem.initOnAlloc) && mem.contents.size > 0) mem.dropContents(pfn, 1 << order);
  const vm = mem.vm;
  const po = mem.pageOwner;
  if (po !== null) {
    // set_page_owner(): a few stores; the stack only with pageOwnerStacks.
    const r = PO_REC * pfn;
    po.rec[r + PO_ALLOC_TS] = vm[CLOCK]!;
    po.rec[r + PO_GFP_ORDER] = gfp + order * PO_ORDER_UNIT;
    if (po.allocSites !== null) po.allocSites.set(pfn, captureSite());
  }
  const n = 1 << order;
  vm[KIND + kind]! += n;
  if (kind === K_FOLIO) mem.foliosByOrder[order]!++;
  vm[PGALLOC]! += n;
  vm[ALLOCS]!++;
}

/** Gives a validated allocated block back: clears tails, bumps the generation, frees. */
export function releaseBlock(mem: MemoryImpl, pfn: number, order: number): void {
  const m = mem.map;
  const kind = m.kind[pfn]!;
  if (m.flags[pfn]! !== 0) {
    if (m.flags[pfn]! & F_HEAD) {
      const end = pfn + (1 << order);
      for (let t = pfn + 1; t < end; t++) {
        m.kind[t] = K_NONE;
        m.u0[t] = 0;
      }
    }
    m.flags[pfn] = 0;
  }
  if (kind !== K_BARE) {
    // Counted memdescs keep refcount/mapcount in u0/u1; bare blocks never touch them.
    m.u0[pfn] = 0;
    m.u1[pfn] = 0;
  }
  m.gen[pfn] = (m.gen[pfn]! + 1) >>> 0;
  const n = 1 << order;
  mem.vm[KIND + kind]! -= n;
  if (kind === K_FOLIO) mem.foliosByOrder[order]!--;
  const vm = mem.vm;
  vm[FREES]!++;
  const po = mem.pageOwner;
  if (po !== null) {
    // __reset_page_owner(): the free's timestamp; the allocation record stays for reports.
    po.rec[PO_REC * pfn + PO_FREE_TS] = vm[CLOCK]!;
    if (po.freeSites !== null) po.freeSites.set(pfn, captureSite());
  }
  const z = mem.soleZone ?? mem.zoneOf(pfn);
  if (order === 0) freePcp(mem, z, pfn);
  else freeOneBlock(mem, z, pfn, order);
}

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
    if (watermarkOk(mem, c, 0, c.wmarkLow + count, WMARK_LOW_)) {
      z = c;
      break;
    }
  }
  if (z === null) return 0;
  const m = mem.map;
  const vm = mem.vm;
  const clock = vm[CLOCK]!;
  const zero = (gfp & GFP_ZERO_ || mem.initOnAlloc) && mem.contents.size > 0;
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
