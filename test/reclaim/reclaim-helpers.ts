/**
 * Helpers for the reclaim tests: memory pressure, a page cache on a list_lru with its shrinker,
 * and the kernel's do_shrink_slab() arithmetic as a reference model.
 */
import {
  allocPage,
  freePage,
  listLruAdd,
  listLruCount,
  listLruInit,
  listLruWalk,
  pageToPfn,
  shrinkerAlloc,
  shrinkerFree,
  shrinkerRegister,
  GFP_KERNEL,
  __GFP_NOWARN,
  LRU_REMOVED,
  SHRINK_EMPTY,
  type ListLru,
  type Memory,
  type Owned,
  type Page,
  type Shrinker,
  type ShrinkControl,
} from '../../src/index.js';

export type Page0 = Owned<Page<0>>;

/** Allocates order-0 pages with `gfp` until one fails; returns them. */
export function fillUntilFail(mem: Memory, gfp: number = GFP_KERNEL | __GFP_NOWARN, limit = 1 << 20): Page0[] {
  const pages: Page0[] = [];
  for (let i = 0; i < limit; i++) {
    const p = allocPage(mem, gfp as typeof GFP_KERNEL);
    if (p === null) break;
    pages.push(p);
  }
  return pages;
}

export function freeAll(pages: Page0[]): void {
  for (const p of pages.splice(0)) freePage(p);
}

export interface CacheEntry {
  readonly index: number;
  readonly pfn: number;
  page: Page0 | null;
}

/** A cache of pages on a list_lru, and a shrinker that frees them oldest first. */
export interface PageCache {
  readonly lru: ListLru<CacheEntry>;
  readonly shrinker: Shrinker;
  readonly entries: CacheEntry[];
  /** Pages the shrinker freed. */
  freedByShrinker: number;
  /** Each `sc.nrToScan` the shrinker was asked for. */
  readonly scans: number[];
  /** `countObjects` calls. */
  counts: number;
  /** Puts one more page in the cache (at the young end of the list). */
  add(page: Page0): CacheEntry;
  /** Frees every page still cached and frees the shrinker. */
  destroy(): void;
}

/**
 * Allocates `n` pages with GFP_KERNEL (`'fill'`: until an allocation fails), puts them on a list_lru
 * and then registers (unless `register` is false) a shrinker whose scan frees them.
 */
export function makePageCache(mem: Memory, n: number | 'fill', opts: { register?: boolean; name?: string; seeks?: number } = {}): PageCache {
  const lru = listLruInit<CacheEntry>(mem);
  const entries: CacheEntry[] = [];
  const add = (page: Page0): CacheEntry => {
    const e: CacheEntry = { index: entries.length, pfn: pageToPfn(page), page };
    entries.push(e);
    listLruAdd(lru, e);
    return e;
  };
  if (n === 'fill') {
    for (const page of fillUntilFail(mem)) add(page);
  } else {
    for (let i = 0; i < n; i++) {
      const page = allocPage(mem, GFP_KERNEL);
      if (page === null) throw new Error(`makePageCache: allocation ${i} of ${n} failed`);
      add(page);
    }
  }
  const shrinker = shrinkerAlloc(mem, 0, opts.name ?? 'test-page-cache');
  const cache: PageCache = {
    lru,
    shrinker,
    entries,
    freedByShrinker: 0,
    scans: [],
    counts: 0,
    add,
    destroy() {
      for (const e of entries) {
        if (e.page !== null) {
          const p = e.page;
          e.page = null;
          freePage(p);
        }
      }
      shrinkerFree(shrinker);
    },
  };
  shrinker.countObjects = () => {
    cache.counts++;
    const c = listLruCount(lru);
    return c === 0 ? SHRINK_EMPTY : c;
  };
  shrinker.scanObjects = (_s: Shrinker, sc: ShrinkControl) => {
    cache.scans.push(sc.nrToScan);
    return listLruWalk(
      lru,
      (e) => {
        const p = e.page!;
        e.page = null;
        freePage(p);
        cache.freedByShrinker++;
        return LRU_REMOVED;
      },
      sc.nrToScan,
    );
  };
  if (opts.seeks !== undefined) shrinker.seeks = opts.seeks;
  if (opts.register !== false) shrinkerRegister(shrinker);
  return cache;
}

/**
 * Kernel do_shrink_slab() (mm/shrinker.c, Linux 6.7) for a shrinker whose count is fixed at
 * `freeable` and whose scan returns `scan(nrToScan)` (a count or 'stop') without lowering
 * nr_scanned. Runs priorities `from` down to `to` and returns the nr_to_scan of each batch, one
 * array per call.
 */
export function kernelShrinkModel(
  freeable: number,
  seeks: number,
  batch: number,
  priorities: number[],
  scan: (nrToScan: number) => number | 'stop' = () => 0,
): { rounds: number[][]; deferred: number[] } {
  let nrDeferred = 0;
  const rounds: number[][] = [];
  const deferred: number[] = [];
  const batchSize = batch > 0 ? batch : 128;
  for (const priority of priorities) {
    const round: number[] = [];
    const nr = nrDeferred;
    nrDeferred = 0;
    const delta = seeks > 0 ? Math.floor((Math.floor(freeable / 2 ** priority) * 4) / seeks) : Math.floor(freeable / 2);
    let totalScan = Math.floor(nr / 2 ** priority) + delta;
    totalScan = Math.min(totalScan, 2 * freeable);
    let scanned = 0;
    while (totalScan >= batchSize || totalScan >= freeable) {
      const nrToScan = Math.min(batchSize, totalScan);
      round.push(nrToScan);
      const ret = scan(nrToScan);
      if (ret === 'stop') break;
      totalScan -= nrToScan;
      scanned += nrToScan;
    }
    nrDeferred += Math.min(Math.max(nr + delta - scanned, 0), 2 * freeable);
    deferred.push(nrDeferred);
    rounds.push(round);
  }
  return { rounds, deferred };
}

/** DEF_PRIORITY (12) down to 0: the priorities of one direct reclaim that makes no progress. */
export const ALL_PRIORITIES = [12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0];
