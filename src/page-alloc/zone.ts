/**
 * `struct zone` — a range of page frames with its own buddy free lists, per-CPU page cache and
 * watermarks (mm/page_alloc.c, include/linux/mmzone.h).
 *
 * @module
 */
import { NR_PAGE_ORDERS } from './constants.js';

/**
 * `enum zone_watermarks` (`WMARK_MIN`, `WMARK_LOW`, `WMARK_HIGH`) — a zone's three levels, in
 * pages, that steer allocation and reclaim; derived from `min_free_kbytes` by
 * `__setup_per_zone_wmarks()`. Read them in `memStats(mem).zones[i].watermarks`.
 */
export interface Watermarks {
  /** `WMARK_MIN`: below this only `GFP_ATOMIC`-style allocations (reserves) succeed. */
  readonly min: number;
  /** `WMARK_LOW`: below this the fast path fails and kswapd is woken. */
  readonly low: number;
  /** `WMARK_HIGH`: kswapd reclaims until free pages are back above this. */
  readonly high: number;
}

export class Zone {
  /** Index in the node's zone array (0 = lowest, e.g. DMA). */
  readonly index: number;
  /** `zone->name`: `DMA`, `DMA32`, `Normal`, `Movable`. */
  readonly name: string;
  /** First pfn (inclusive). */
  readonly start: number;
  /** Last pfn (exclusive). */
  readonly end: number;
  /** `zone_managed_pages()`: pages handed to the buddy allocator. */
  managed = 0;
  /** `NR_FREE_PAGES`: pages on the buddy free lists (not those on per-CPU lists). */
  freePages = 0;
  /** `free_area[order].nr_free`. */
  readonly nrFree = new Int32Array(NR_PAGE_ORDERS);
  /** First block of each free list (-1: empty). Blocks are linked through the memmap's u0/u1. */
  readonly freeHead = new Int32Array(NR_PAGE_ORDERS).fill(-1);
  /** Last block of each free list, for `to_tail` insertion. */
  readonly freeTail = new Int32Array(NR_PAGE_ORDERS).fill(-1);
  /** Watermarks in pages, derived from `min_free_kbytes`. */
  wmarkMin = 0;
  wmarkLow = 0;
  wmarkHigh = 0;

  /** `struct per_cpu_pages`: order-0 cache, a ring used LIFO at the top, drained at the bottom. */
  pcp: Int32Array = new Int32Array(1);
  pcpMask = 0;
  pcpBottom = 0;
  pcpCount = 0;
  /** `pcp->high`: when the cache reaches this, a batch goes back to the buddy lists. */
  pcpHigh = 0;
  /** `pcp->batch`: how many pages one refill or drain moves. */
  pcpBatch = 1;

  constructor(index: number, name: string, start: number, end: number) {
    this.index = index;
    this.name = name;
    this.start = start;
    this.end = end;
  }

  /** Sizes the per-CPU cache (the ring holds high + batch, rounded up to a power of two). */
  setPcp(high: number, batch: number): void {
    this.pcpHigh = high;
    this.pcpBatch = batch;
    let cap = 1;
    while (cap < high + batch + 1) cap <<= 1;
    this.pcp = new Int32Array(cap);
    this.pcpMask = cap - 1;
    this.pcpBottom = 0;
    this.pcpCount = 0;
  }

  get watermarks(): Watermarks {
    return { min: this.wmarkMin, low: this.wmarkLow, high: this.wmarkHigh };
  }
}

/** `int_sqrt()` — integer square root, as the kernel's lib/math/int_sqrt.c computes it. */
export function intSqrt(x: number): number {
  return Math.floor(Math.sqrt(x));
}

/** `rounddown_pow_of_two()`. */
export function rounddownPowOfTwo(n: number): number {
  let p = 1;
  while (p * 2 <= n) p *= 2;
  return p;
}

/**
 * `calculate_min_free_kbytes()` (mm/page_alloc.c): `int_sqrt(lowmem_kbytes * 16)`, clamped to
 * [128, 262144] KiB.
 */
export function calculateMinFreeKbytes(lowmemPages: number): number {
  const lowmemKbytes = lowmemPages * 4;
  const v = intSqrt(lowmemKbytes * 16);
  return Math.min(262144, Math.max(128, v));
}

/**
 * `__setup_per_zone_wmarks()`: splits `min_free_kbytes` over the zones in proportion to their
 * size, then spaces low and high by `max(min/4, managed * watermark_scale_factor / 10000)`.
 */
export function setupPerZoneWmarks(zones: readonly Zone[], minFreeKbytes: number, scaleFactor: number): void {
  const pagesMin = minFreeKbytes >> 2; // >> (PAGE_SHIFT - 10)
  let lowmemPages = 0;
  for (const z of zones) lowmemPages += z.managed;
  for (const z of zones) {
    const min = lowmemPages === 0 ? 0 : Math.floor((pagesMin * z.managed) / lowmemPages);
    const gap = Math.max(min >> 2, Math.floor((z.managed * scaleFactor) / 10000));
    z.wmarkMin = min;
    z.wmarkLow = min + gap;
    z.wmarkHigh = min + 2 * gap;
  }
}

/**
 * `zone_batchsize()` (v6.1): about a quarter of a thousandth of the zone, at most 1 MiB worth,
 * rounded to 2^n - 1 ("to avoid cache aliasing"), at least 1.
 */
export function zoneBatchsize(managed: number): number {
  let batch = Math.min(managed >> 10, (1024 * 1024) / 4096);
  batch = Math.floor(batch / 4);
  if (batch < 1) batch = 1;
  batch = rounddownPowOfTwo(batch + (batch >> 1)) - 1;
  return Math.max(1, batch);
}

/**
 * `zone_highsize()` (v6.1, one CPU): the low watermark, but at least four batches.
 */
export function zoneHighsize(wmarkLow: number, batch: number): number {
  return Math.max(wmarkLow, batch << 2);
}
