/**
 * Issue 13 item 5: `Object.freeze` on a Memory, a KmemCache, a ListLru or a Shrinker — as Immer and
 * Redux Toolkit do to whatever sits in a store — must not make any call throw TypeError after state
 * changed. The state sits where a freeze cannot reach it; these tests freeze shallowly and deeply
 * (every own property value, recursively) and run the whole life cycle.
 */
import { describe, expect, it } from 'vitest';
import {
  createMemory,
  allocPage,
  allocPages,
  allocPagesBulk,
  freePage,
  freePages,
  folioAlloc,
  folioGet,
  folioPut,
  kmalloc,
  kfree,
  vmalloc,
  vfree,
  kmemCacheCreate,
  kmemCacheAlloc,
  kmemCacheFree,
  kmemCacheDestroy,
  listLruInit,
  listLruAdd,
  listLruDel,
  listLruCount,
  listLruWalk,
  shrinkerAlloc,
  shrinkerRegister,
  shrinkerFree,
  spinLockInit,
  withSpinLock,
  drainAllPages,
  failPageAlloc,
  memStats,
  reclaimStats,
  verifyMemory,
  checkLeaks,
  buddyinfo,
  GFP_KERNEL,
  GFP_ATOMIC,
  LRU_REMOVED,
  SHRINK_STOP,
  __GFP_NOWARN,
  type Owned,
  type Page,
} from '../../src/index.js';
import { quiet } from '../helpers.js';

/** Freezes `x` and, recursively, every object among its own property values (typed arrays cannot be). */
function deepFreeze(x: unknown, seen = new Set<unknown>()): void {
  if ((typeof x !== 'object' && typeof x !== 'function') || x === null || seen.has(x)) return;
  seen.add(x);
  if (ArrayBuffer.isView(x)) return;
  for (const k of Reflect.ownKeys(x)) {
    const d = Object.getOwnPropertyDescriptor(x, k);
    if (d !== undefined && 'value' in d) deepFreeze(d.value, seen);
  }
  Object.freeze(x);
}

const freezes = [
  ['Object.freeze', (x: unknown) => Object.freeze(x)],
  ['a deep freeze', (x: unknown) => deepFreeze(x)],
] as const;

describe.each(freezes)('after %s', (_, freeze) => {
  it('a Memory works: every allocator, every counter, nothing leaked', () => {
    const mem = createMemory({ pages: 2048, ...quiet });
    freeze(mem);
    const before = buddyinfo(mem);
    const pages = Array.from({ length: 100 }, () => allocPage(mem, GFP_KERNEL)!);
    const big = allocPages(mem, GFP_KERNEL, 3)!;
    const bulk: (Owned<Page<0>> | null)[] = new Array(20).fill(null);
    expect(allocPagesBulk(mem, GFP_KERNEL, 20, bulk)).toBe(20);
    const folio = folioAlloc(mem, GFP_KERNEL, 1)!;
    folioPut(folioGet(folio));
    const obj = kmalloc(mem, 100, GFP_KERNEL)!;
    const area = vmalloc(mem, 5 * 4096)!;
    withSpinLock(spinLockInit(mem), (ctx) => freePage(allocPage(ctx, GFP_ATOMIC)!));
    failPageAlloc(mem, { failNth: 1 });
    expect(allocPage(mem, GFP_KERNEL | __GFP_NOWARN)).toBeNull();
    expect(memStats(mem).liveAllocations).toBe(100 + 1 + 20 + 1 + 1 + 5);
    for (const p of pages) freePage(p);
    freePages(big, 3);
    for (const p of bulk) freePage(p!);
    folioPut(folio);
    kfree(obj);
    vfree(area);
    drainAllPages(mem);
    verifyMemory(mem);
    checkLeaks(mem);
    expect(buddyinfo(mem)).toBe(before);
    expect(memStats(mem).vmstat.allocations).toBe(memStats(mem).vmstat.frees);
  });

  it('a KmemCache works: counts its objects and can be destroyed once empty', () => {
    const mem = createMemory({ pages: 2048, ...quiet });
    const cache = kmemCacheCreate(mem, 'frozen_obj', 192);
    freeze(cache);
    freeze(mem);
    const objs = Array.from({ length: 50 }, () => kmemCacheAlloc(mem, cache, GFP_KERNEL)!);
    expect(() => kmemCacheDestroy(cache)).toThrow(expect.objectContaining({ code: 'CACHE_NOT_EMPTY' }));
    for (const o of objs) kmemCacheFree(cache, o);
    expect(memStats(mem).liveAllocations).toBe(0);
    kmemCacheDestroy(cache);
    expect(() => kmemCacheAlloc(mem, cache as never, GFP_KERNEL)).toThrow(expect.objectContaining({ code: 'USE_AFTER_FREE' }));
    verifyMemory(mem);
  });

  it('a ListLru works: add, delete, walk', () => {
    const mem = createMemory({ pages: 256, ...quiet });
    const lru = listLruInit<{ n: number }>(mem);
    freeze(lru);
    const items = Array.from({ length: 10 }, (_, n) => ({ n }));
    for (const it of items) expect(listLruAdd(lru, it)).toBe(true);
    expect(listLruDel(lru, items[0]!)).toBe(true);
    expect(listLruWalk(lru, () => LRU_REMOVED, 4)).toBe(4);
    expect(listLruCount(lru)).toBe(5);
  });

  it('a Shrinker works: registered, called by reclaim, counted, freed', () => {
    const mem = createMemory({ pages: 1024, ...quiet });
    const s = shrinkerAlloc(mem, 0, 'frozen');
    let held = 100;
    s.countObjects = () => held;
    s.scanObjects = (_, sc) => {
      const n = Math.min(held, sc.nrToScan);
      held -= n;
      return n === 0 ? SHRINK_STOP : n;
    };
    freeze(s);
    shrinkerRegister(s);
    // Fill memory so an allocation that may sleep reclaims.
    const pages: Owned<Page<0>>[] = [];
    for (;;) {
      const p = allocPage(mem, GFP_KERNEL | __GFP_NOWARN);
      if (p === null) break;
      pages.push(p);
    }
    const stats = reclaimStats(mem).shrinkers.find((x) => x.name === 'frozen')!;
    expect(stats.calls).toBeGreaterThan(0);
    expect(stats.freed).toBe(100 - held);
    shrinkerFree(s);
    expect(() => shrinkerFree(s)).toThrow(expect.objectContaining({ code: 'DOUBLE_FREE' }));
    for (const p of pages) freePage(p);
    verifyMemory(mem);
  });
});

describe('the public objects hold no reachable state', () => {
  it('a Memory has no own properties; a spread copy or a Proxy of one is not a Memory', () => {
    const mem = createMemory({ pages: 64, ...quiet });
    expect(Reflect.ownKeys(mem)).toEqual([]);
    expect(mem.nrPages).toBe(64);
    expect(String(mem)).toMatch(/^Memory#\d+\(64 pages, Normal\)$/);
    expect(() => allocPage({ ...mem } as never, GFP_KERNEL)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => allocPage(new Proxy(mem, {}) as never, GFP_KERNEL)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('a KmemCache, ListLru and Shrinker expose only their public fields', () => {
    const mem = createMemory({ pages: 64, ...quiet });
    expect(Object.keys(kmemCacheCreate(mem, 'c', 64)).sort()).toEqual(['name', 'objectSize']);
    expect(Object.keys(listLruInit(mem))).toEqual([]);
    expect(Object.keys(shrinkerAlloc(mem, 0, 's')).sort()).toEqual(['batch', 'countObjects', 'flags', 'name', 'privateData', 'scanObjects', 'seeks']);
  });
});
