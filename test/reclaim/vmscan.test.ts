import { describe, expect, it } from 'vitest';
import {
  createMemory,
  allocPage,
  allocPages,
  freePages,
  pageToPfn,
  kswapd,
  reclaimStats,
  memStats,
  verifyMemory,
  checkLeaks,
  shrinkerFree,
  spinLockInit,
  withSpinLock,
  listLruCount,
  GFP_KERNEL,
  GFP_ATOMIC,
  GFP_NOWAIT,
  __GFP_NOWARN,
  SWAP_CLUSTER_MAX,
  gfp,
  type Memory,
} from '../../src/index.js';
import { quiet } from '../helpers.js';
import { fillUntilFail, freeAll, makePageCache, type Page0, type PageCache } from './reclaim-helpers.js';

const PAGES = 2048;
const CACHE = 1200;

function machine(): Memory {
  return createMemory({ pages: PAGES, ...quiet });
}

const wmarks = (mem: Memory) => memStats(mem).zones[0]!.watermarks;
const shrinkerStats = (mem: Memory, i = 0) => reclaimStats(mem).shrinkers[i]!;

/** Frees everything the test holds, and checks the machine is whole again. */
function teardown(mem: Memory, cache: PageCache | null, ...held: Page0[][]): void {
  for (const h of held) freeAll(h);
  cache?.destroy();
  verifyMemory(mem);
  checkLeaks(mem);
  expect(memStats(mem).allocatedPages).toBe(0);
}

/** How many GFP_KERNEL pages fit on top of `cachePages` cached pages when nothing reclaims. */
function capacityWithoutReclaim(cachePages: number): number {
  const mem = machine();
  const cache = makePageCache(mem, cachePages, { register: false });
  const held = fillUntilFail(mem);
  const n = held.length;
  freeAll(held);
  for (const e of cache.entries) e.page = null; // dropped with the machine
  return n;
}

describe('direct reclaim from the page allocator slow path', () => {
  it('GFP_KERNEL allocations succeed past the point where the cache would be in the way', () => {
    const baseline = capacityWithoutReclaim(CACHE);
    expect(baseline).toBeLessThan(PAGES - CACHE); // the min watermark stops it

    const mem = machine();
    const cache = makePageCache(mem, CACHE);
    const want = baseline + 400;
    const user: Page0[] = [];
    for (let i = 0; i < want; i++) {
      const p = allocPage(mem, GFP_KERNEL);
      expect(p, `allocation ${i} of ${want}`).not.toBeNull();
      user.push(p!);
    }
    const st = reclaimStats(mem);
    expect(st.directReclaims).toBeGreaterThan(0);
    expect(st.kswapdWoken).toBe(true);
    // The shrinker's own count, reclaimStats and the list agree on what went back.
    const freed = CACHE - listLruCount(cache.lru);
    expect(freed).toBeGreaterThanOrEqual(400);
    expect(cache.freedByShrinker).toBe(freed);
    expect(shrinkerStats(mem).freed).toBe(freed);
    expect(st.directReclaimed).toBe(freed);
    expect(shrinkerStats(mem).scanned).toBeGreaterThanOrEqual(freed);
    // The list gave back its oldest pages first.
    expect(cache.entries.slice(0, freed).every((e) => e.page === null)).toBe(true);
    expect(cache.entries.slice(freed).every((e) => e.page !== null)).toBe(true);
    verifyMemory(mem);
    teardown(mem, cache, user);
  });

  it('each direct reclaim aims for SWAP_CLUSTER_MAX (32) pages at least', () => {
    expect(SWAP_CLUSTER_MAX).toBe(32);
    const mem = machine();
    const cache = makePageCache(mem, CACHE);
    const user: Page0[] = [];
    while (reclaimStats(mem).directReclaims === 0) user.push(allocPage(mem, GFP_KERNEL)!);
    expect(reclaimStats(mem).directReclaimed).toBeGreaterThanOrEqual(SWAP_CLUSTER_MAX);
    verifyMemory(mem);
    teardown(mem, cache, user);
  });

  it('filling memory reclaims the whole cache before an allocation fails', () => {
    const mem = machine();
    const cache = makePageCache(mem, CACHE);
    const user = fillUntilFail(mem);
    expect(listLruCount(cache.lru)).toBe(0);
    expect(cache.freedByShrinker).toBe(CACHE);
    expect(shrinkerStats(mem).freed).toBe(CACHE);
    // As many pages as with no cache at all.
    const empty = machine();
    const all = fillUntilFail(empty);
    expect(user.length).toBe(all.length);
    teardown(empty, null, all);
    verifyMemory(mem);
    teardown(mem, cache, user);
  });

  it('GFP_NOWAIT and GFP_ATOMIC fail (null) at the same point and never call the shrinker', () => {
    const mem = machine();
    const cache = makePageCache(mem, CACHE);
    const nowait = fillUntilFail(mem, GFP_NOWAIT | __GFP_NOWARN);
    expect(nowait.length).toBeGreaterThan(0);
    expect(allocPage(mem, GFP_NOWAIT | __GFP_NOWARN)).toBeNull();
    // GFP_ATOMIC may dip below min, then fails too.
    const atomic = fillUntilFail(mem, GFP_ATOMIC | __GFP_NOWARN);
    expect(atomic.length).toBeGreaterThan(0);
    expect(allocPage(mem, GFP_ATOMIC | __GFP_NOWARN)).toBeNull();
    expect(allocPage(mem, GFP_NOWAIT | __GFP_NOWARN)).toBeNull();
    expect(allocPages(mem, GFP_ATOMIC | __GFP_NOWARN, 3)).toBeNull();
    expect(cache.counts).toBe(0);
    expect(cache.scans).toEqual([]);
    expect(listLruCount(cache.lru)).toBe(CACHE);
    const st = reclaimStats(mem);
    expect(st.directReclaims).toBe(0);
    expect(st.shrinkers[0]).toMatchObject({ calls: 0, scanned: 0, freed: 0 });
    expect(st.kswapdWoken).toBe(true); // they do wake kswapd
    verifyMemory(mem);
    // Only an allocation that may sleep reclaims.
    const k = allocPage(mem, GFP_KERNEL);
    expect(k).not.toBeNull();
    expect(cache.counts).toBeGreaterThan(0);
    expect(reclaimStats(mem).directReclaims).toBe(1);
    teardown(mem, cache, nowait, atomic, [k!]);
  });

  it('GFP_ATOMIC under a spinlock fails without reclaiming', () => {
    const mem = machine();
    const cache = makePageCache(mem, CACHE);
    const lock = spinLockInit(mem);
    const held: Page0[] = [];
    withSpinLock(lock, (ctx) => {
      for (;;) {
        const p = allocPage(ctx, gfp(GFP_ATOMIC, __GFP_NOWARN));
        if (p === null) break;
        held.push(p);
      }
    });
    expect(held.length).toBeGreaterThan(0);
    expect(cache.counts).toBe(0);
    expect(reclaimStats(mem).directReclaims).toBe(0);
    teardown(mem, cache, held);
  });

  it('allocations made from inside scanObjects do not reclaim again (PF_MEMALLOC)', () => {
    const mem = machine();
    const cache = makePageCache(mem, CACHE);
    const inner: Page0[] = [];
    const scan = cache.shrinker.scanObjects!;
    let depth = 0;
    let maxDepth = 0;
    let innerTries = 0;
    cache.shrinker.scanObjects = (s, sc) => {
      depth++;
      maxDepth = Math.max(maxDepth, depth);
      const reclaimsBefore = reclaimStats(mem).directReclaims;
      const countsBefore = cache.counts;
      // Before freeing anything, memory is at the min watermark: this would reclaim if it could.
      const p = allocPage(mem, GFP_KERNEL | __GFP_NOWARN);
      innerTries++;
      if (p !== null) inner.push(p);
      expect(reclaimStats(mem).directReclaims).toBe(reclaimsBefore);
      expect(cache.counts).toBe(countsBefore);
      const r = scan(s, sc);
      depth--;
      return r;
    };
    const user = fillUntilFail(mem, GFP_KERNEL | __GFP_NOWARN, PAGES - CACHE + 200);
    expect(user.length).toBe(PAGES - CACHE + 200);
    expect(innerTries).toBeGreaterThan(0);
    expect(maxDepth).toBe(1);
    verifyMemory(mem);
    teardown(mem, cache, user, inner);
  });

  it('with no shrinker registered, reclaim does nothing and the allocation fails', () => {
    const mem = machine();
    const cache = makePageCache(mem, CACHE, { register: false });
    const user = fillUntilFail(mem);
    expect(user.length).toBeLessThan(PAGES - CACHE);
    expect(allocPage(mem, GFP_KERNEL | __GFP_NOWARN)).toBeNull();
    expect(reclaimStats(mem).directReclaims).toBe(0);
    expect(reclaimStats(mem).shrinkers).toEqual([]);
    expect(cache.counts).toBe(0);
    expect(listLruCount(cache.lru)).toBe(CACHE);
    expect(kswapd(mem)).toBe(0);
    expect(reclaimStats(mem).kswapdRuns).toBe(0);
    verifyMemory(mem);
    teardown(mem, cache, user);
  });

  it('shrinkerFree unregisters: the shrinker is not called any more', () => {
    const mem = machine();
    const cache = makePageCache(mem, CACHE);
    const user: Page0[] = [];
    while (reclaimStats(mem).directReclaims === 0) user.push(allocPage(mem, GFP_KERNEL)!);
    const counts = cache.counts;
    const scans = cache.scans.length;
    const left = listLruCount(cache.lru);
    expect(counts).toBeGreaterThan(0);
    shrinkerFree(cache.shrinker);
    expect(reclaimStats(mem).shrinkers).toEqual([]);
    user.push(...fillUntilFail(mem));
    expect(allocPage(mem, GFP_KERNEL | __GFP_NOWARN)).toBeNull();
    expect(kswapd(mem)).toBe(0);
    expect(cache.counts).toBe(counts);
    expect(cache.scans.length).toBe(scans);
    expect(listLruCount(cache.lru)).toBe(left);
    verifyMemory(mem);
    // cache.destroy() would free the shrinker again: free the pages by hand.
    freeAll(user);
    freeAll(cache.entries.filter((e) => e.page !== null).map((e) => e.page!));
    verifyMemory(mem);
    checkLeaks(mem);
  });

  it('an order-3 allocation reclaims, drains the per-CPU lists once, and gets merged buddies', () => {
    // No reserve (min_free_kbytes 0) so every page is cached, and a per-CPU list large enough to
    // hold what reclaim frees: the order-3 block can only come from freed pages merging.
    const mem = createMemory({ pages: 1024, minFreeKbytes: 0, pcpHigh: 512, pcpBatch: 31, ...quiet });
    const cache = makePageCache(mem, 'fill');
    expect(cache.entries).toHaveLength(1024);
    expect(memStats(mem).freePages + memStats(mem).pcpPages).toBe(0);
    expect(memStats(mem).zones[0]!.nrFree.every((n) => n === 0)).toBe(true);

    const drainsBefore = memStats(mem).vmstat.pcpDrains;
    const big = allocPages(mem, GFP_KERNEL, 3);
    expect(big).not.toBeNull();
    expect(reclaimStats(mem).directReclaims).toBeGreaterThanOrEqual(1);
    expect(cache.freedByShrinker).toBeGreaterThanOrEqual(8);
    // The block is made of pages the shrinker gave back.
    const freedPfns = new Set(cache.entries.filter((e) => e.page === null).map((e) => e.pfn));
    const head = pageToPfn(big!);
    for (let pfn = head; pfn < head + 8; pfn++) expect(freedPfns.has(pfn), `pfn ${pfn}`).toBe(true);
    // The slow path drained the per-CPU lists (once) to let them merge.
    expect(memStats(mem).vmstat.pcpDrains).toBe(drainsBefore + 1);
    expect(memStats(mem).pcpPages).toBe(0);
    verifyMemory(mem);
    freePages(big!, 3);
    teardown(mem, cache);
  });

  it('order-3 GFP_KERNEL allocations on a machine full of cache succeed through reclaim', () => {
    const mem = machine();
    const cache = makePageCache(mem, 'fill');
    const blocks: NonNullable<ReturnType<typeof allocPages>>[] = [];
    // GFP_ATOMIC takes what order-3 blocks the reserves allow, then fails without reclaiming.
    for (let b = allocPages(mem, GFP_ATOMIC | __GFP_NOWARN, 3); b !== null; b = allocPages(mem, GFP_ATOMIC | __GFP_NOWARN, 3)) {
      blocks.push(b);
    }
    expect(cache.counts).toBe(0);
    expect(reclaimStats(mem).directReclaims).toBe(0);
    for (let i = 0; i < 16; i++) {
      const b = allocPages(mem, GFP_KERNEL, 3);
      expect(b, `order-3 allocation ${i}`).not.toBeNull();
      blocks.push(b!);
    }
    expect(reclaimStats(mem).directReclaims).toBeGreaterThan(0);
    expect(shrinkerStats(mem).freed).toBe(cache.freedByShrinker);
    verifyMemory(mem);
    for (const b of blocks) freePages(b, 3);
    teardown(mem, cache);
  });
});

describe('kswapd', () => {
  /** A cache of CACHE pages and user pages allocated until an allocation woke kswapd. */
  function wokenMachine(opts: { seeks?: number; cache?: number } = {}) {
    const mem = machine();
    const cache = makePageCache(mem, opts.cache ?? CACHE, opts.seeks === undefined ? {} : { seeks: opts.seeks });
    const user: Page0[] = [];
    while (!reclaimStats(mem).kswapdWoken) user.push(allocPage(mem, GFP_KERNEL)!);
    expect(reclaimStats(mem).directReclaims).toBe(0); // between low and min: no direct reclaim
    expect(memStats(mem).zones[0]!.free).toBeLessThanOrEqual(wmarks(mem).low);
    return { mem, cache, user };
  }

  // seeks = 0 ("cheap to recreate"): half of the cache is due at every priority, so kswapd's first
  // priorities already free pages.
  it('after allocations woke it, kswapd brings the zone above its high watermark and returns the pages freed', () => {
    const { mem, cache, user } = wokenMachine({ seeks: 0 });
    const n = kswapd(mem);
    expect(n).toBeGreaterThan(0);
    expect(n).toBe(cache.freedByShrinker);
    for (const z of memStats(mem).zones) expect(z.free).toBeGreaterThan(z.watermarks.high);
    const st = reclaimStats(mem);
    expect(st.kswapdWoken).toBe(false);
    expect(st.kswapdRuns).toBe(1);
    expect(st.kswapdReclaimed).toBe(n);
    expect(st.directReclaims).toBe(0);
    expect(shrinkerStats(mem).freed).toBe(n);
    expect(listLruCount(cache.lru)).toBe(CACHE - n);
    verifyMemory(mem);
    // Above high now: another run does nothing and asks no shrinker.
    const counts = cache.counts;
    expect(kswapd(mem)).toBe(0);
    expect(cache.counts).toBe(counts);
    expect(reclaimStats(mem).kswapdRuns).toBe(1);
    teardown(mem, cache, user);
  });

  it('kswapd reclaims a default-seeks page cache back above the high watermark', () => {
    const { mem, cache, user } = wokenMachine();
    const n = kswapd(mem);
    const zones = memStats(mem).zones;
    teardown(mem, cache, user);
    expect(n).toBeGreaterThan(0);
    for (const z of zones) expect(z.free).toBeGreaterThan(z.watermarks.high);
  });

  it('kswapd with too small a cache frees all of it', () => {
    const { mem, cache, user } = wokenMachine({ cache: 20 });
    const n = kswapd(mem);
    const left = listLruCount(cache.lru);
    teardown(mem, cache, user);
    expect(n).toBe(20);
    expect(left).toBe(0);
  });

  it('kswapd on a machine above its high watermark does nothing', () => {
    const mem = machine();
    const cache = makePageCache(mem, 100, { seeks: 0 });
    expect(kswapd(mem)).toBe(0);
    expect(cache.counts).toBe(0);
    expect(reclaimStats(mem)).toMatchObject({ kswapdRuns: 0, kswapdReclaimed: 0, kswapdWoken: false });
    teardown(mem, cache);
  });

  it('kswapd after direct reclaim has run restores the high watermark', () => {
    const mem = machine();
    const cache = makePageCache(mem, CACHE, { seeks: 0 });
    const user: Page0[] = [];
    while (reclaimStats(mem).directReclaims === 0) user.push(allocPage(mem, GFP_KERNEL)!);
    // Direct reclaim freed a lot at once; use it up to the low watermark again.
    while (memStats(mem).zones[0]!.free > wmarks(mem).low) user.push(allocPage(mem, GFP_KERNEL)!);
    expect(reclaimStats(mem).directReclaims).toBe(1);
    expect(reclaimStats(mem).kswapdWoken).toBe(true);
    const n = kswapd(mem);
    expect(n).toBeGreaterThan(0);
    for (const z of memStats(mem).zones) expect(z.free).toBeGreaterThan(z.watermarks.high);
    const st = reclaimStats(mem);
    expect(st.directReclaimed + st.kswapdReclaimed).toBe(cache.freedByShrinker);
    expect(shrinkerStats(mem).freed).toBe(cache.freedByShrinker);
    verifyMemory(mem);
    teardown(mem, cache, user);
  });

  it('with two zones, kswapd brings every zone above its high watermark', () => {
    const mem = createMemory({ zones: [{ name: 'DMA32', pages: 1024 }, { name: 'Normal', pages: 2048 }], ...quiet });
    const cache = makePageCache(mem, 0, { seeks: 0 });
    // Cache pages until both zones are below their low watermark (GFP_KERNEL falls back from
    // Normal to DMA32), then one more: only that one takes the slow path and wakes kswapd.
    while (!memStats(mem).zones.every((z) => z.free <= z.watermarks.low)) cache.add(allocPage(mem, GFP_KERNEL)!);
    expect(reclaimStats(mem).kswapdWoken).toBe(false);
    cache.add(allocPage(mem, GFP_KERNEL)!);
    expect(reclaimStats(mem).kswapdWoken).toBe(true);
    expect(reclaimStats(mem).directReclaims).toBe(0);
    // The oldest cache pages are in Normal, the youngest in DMA32.
    const n = kswapd(mem);
    expect(n).toBe(cache.freedByShrinker);
    for (const z of memStats(mem).zones) expect(z.free, z.name).toBeGreaterThan(z.watermarks.high);
    verifyMemory(mem);
    teardown(mem, cache);
  });

  it('kswapd without shrinkers does nothing, but clears the wakeup', () => {
    const mem = machine();
    const user = fillUntilFail(mem);
    expect(reclaimStats(mem).kswapdWoken).toBe(true);
    expect(kswapd(mem)).toBe(0);
    expect(reclaimStats(mem)).toMatchObject({ kswapdRuns: 0, kswapdWoken: false });
    teardown(mem, null, user);
  });

  it('kswapd of something that is not a Memory is INVALID_ARGUMENT', () => {
    for (const bad of [{}, null, 'mem']) {
      let code: unknown;
      try {
        kswapd(bad as unknown as Memory);
      } catch (e) {
        code = (e as { code?: unknown }).code;
      }
      expect(code).toBe('INVALID_ARGUMENT');
    }
  });
});
