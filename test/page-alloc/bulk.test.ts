/**
 * `allocPagesBulk` — `alloc_pages_bulk()`: fills the empty slots of a page array, skips populated
 * ones, returns nr_populated, falls back to one page from the single-page allocator, and refuses
 * bad arguments without changing anything.
 */
import { describe, expect, it } from 'vitest';
import {
  createMemory,
  allocPage,
  allocPagesBulk,
  freePage,
  failPageAlloc,
  liveAllocations,
  memStats,
  pageToPfn,
  spinLockInit,
  verifyMemory,
  withSpinLock,
  GFP_ATOMIC,
  GFP_KERNEL,
  __GFP_NOWARN,
  __GFP_ZERO,
  type Owned,
  type Page,
} from '../../src/index.js';
import { expectMmError, impl, quiet, snapshot } from '../helpers.js';

type Slot = Owned<Page<0>> | null | undefined;
type Any = never;

function freeAll(slots: Slot[]): void {
  for (const p of slots) if (p) freePage(p);
}

describe('allocPagesBulk', () => {
  it('fills every empty slot in one call and returns nrPages', () => {
    const mem = createMemory({ pages: 4096, ...quiet });
    const pages: Slot[] = new Array(40).fill(null);
    expect(allocPagesBulk(mem, GFP_KERNEL, 40, pages)).toBe(40);
    const pfns = pages.map((p) => pageToPfn(p!));
    expect(new Set(pfns).size).toBe(40);
    expect(memStats(mem).vmstat.allocations).toBe(40);
    expect(liveAllocations(mem)).toHaveLength(40);
    // One call, one tick of the clock: every page has the call's timestamp.
    expect(new Set(liveAllocations(mem).map((a) => a.ts))).toEqual(new Set([1]));
    freeAll(pages);
    verifyMemory(mem);
    expect(memStats(mem).liveAllocations).toBe(0);
  });

  it('hands out the pages allocPage would, in the same order', () => {
    const a = createMemory({ pages: 4096, ...quiet });
    const b = createMemory({ pages: 4096, ...quiet });
    const pages: Slot[] = new Array(100).fill(null);
    allocPagesBulk(a, GFP_KERNEL, 100, pages);
    const singles = Array.from({ length: 100 }, () => pageToPfn(allocPage(b, GFP_KERNEL)!));
    expect(pages.map((p) => pageToPfn(p!))).toEqual(singles);
  });

  it('skips populated slots, fills holes and undefined, and counts from the start', () => {
    const mem = createMemory({ pages: 4096, ...quiet });
    const kept = allocPage(mem, GFP_KERNEL)!;
    const pages: Slot[] = [kept, undefined, null];
    pages.length = 6; // three holes at the end
    expect(allocPagesBulk(mem, GFP_KERNEL, 6, pages)).toBe(6);
    expect(pages[0]).toBe(kept);
    expect(pages.every((p) => p !== null && p !== undefined)).toBe(true);
    expect(allocPagesBulk(mem, GFP_KERNEL, 6, pages)).toBe(6); // already populated: nothing to do
    expect(memStats(mem).vmstat.allocations).toBe(6);
    freeAll(pages);
  });

  it('with one empty slot takes one page through the single-page path', () => {
    const mem = createMemory({ pages: 1024, ...quiet });
    const pages: Slot[] = [allocPage(mem, GFP_KERNEL), null];
    expect(allocPagesBulk(mem, GFP_KERNEL, 2, pages)).toBe(2);
    freeAll(pages);
  });

  it('below the low watermark plus nrPages it falls back to one page (the caller loops)', () => {
    const mem = createMemory({ pages: 1024, ...quiet });
    const z = impl(mem).zones[0]!;
    const n = z.freePages - z.wmarkLow + 10; // more than the fast path may take
    const pages: Slot[] = new Array(n).fill(null);
    expect(allocPagesBulk(mem, GFP_KERNEL, n, pages)).toBe(1);
    let got = 1;
    while (got < n) {
      const r = allocPagesBulk(mem, GFP_KERNEL | __GFP_NOWARN, n, pages);
      if (r === got) break;
      got = r;
    }
    expect(got).toBeGreaterThan(1);
    freeAll(pages);
    verifyMemory(mem);
  });

  it('returns what it has when memory runs out, and leaves the rest null', () => {
    const mem = createMemory({ pages: 64, minFreeKbytes: 0, ...quiet });
    const pages: Slot[] = new Array(100).fill(null);
    let got = 0;
    for (;;) {
      const r = allocPagesBulk(mem, GFP_KERNEL | __GFP_NOWARN, 100, pages);
      if (r === got) break;
      got = r;
    }
    expect(got).toBe(64);
    expect(pages.slice(64).every((p) => p === null)).toBe(true);
    freeAll(pages);
  });

  it('fault injection decides once per call (should_fail_alloc_page in prepare_alloc_pages)', () => {
    const mem = createMemory({ pages: 1024, ...quiet });
    failPageAlloc(mem, { failNth: 2 });
    const pages: Slot[] = new Array(8).fill(null);
    expect(allocPagesBulk(mem, GFP_KERNEL, 8, pages)).toBe(8); // the first call is not failed
    for (const p of pages) freePage(p!);
    pages.fill(null);
    expect(allocPagesBulk(mem, GFP_KERNEL | __GFP_NOWARN, 8, pages)).toBe(0); // the second is, wholly
    expect(pages.every((p) => p === null)).toBe(true);
    expect(allocPagesBulk(mem, GFP_KERNEL, 8, pages)).toBe(8);
    expect(memStats(mem).vmstat.allocFailures).toBe(1);
    freeAll(pages);
  });

  it('__GFP_ZERO gives zeroed pages', () => {
    const mem = createMemory({ pages: 1024, ...quiet });
    const p = allocPage(mem, GFP_KERNEL)!;
    impl(mem).contents.set(pageToPfn(p), new Uint8Array(4096).fill(7));
    const pfn = pageToPfn(p);
    freePage(p);
    const pages: Slot[] = new Array(4).fill(null);
    allocPagesBulk(mem, GFP_KERNEL | __GFP_ZERO, 4, pages);
    expect(pages.map((q) => pageToPfn(q!))).toContain(pfn);
    expect(impl(mem).contents.has(pfn)).toBe(false);
    freeAll(pages);
  });

  it('with pageOwnerStacks, one stack serves the whole call', () => {
    const mem = createMemory({ pages: 1024, pageOwnerStacks: true, ...quiet });
    const pages: Slot[] = new Array(8).fill(null);
    allocPagesBulk(mem, GFP_KERNEL, 8, pages);
    const sites = new Set(pages.map((p) => impl(mem).pageOwner!.allocSites!.get(pageToPfn(p!))));
    expect(sites.size).toBe(1);
    expect(liveAllocations(mem)[0]!.stack).toContain('bulk.test.ts');
    freeAll(pages);
  });

  it('in atomic context: GFP_ATOMIC works, GFP_KERNEL is SLEEP_IN_ATOMIC', () => {
    const mem = createMemory({ pages: 1024, ...quiet });
    const lock = spinLockInit(mem);
    const pages: Slot[] = new Array(4).fill(null);
    withSpinLock(lock, (ctx) => {
      expect(allocPagesBulk(ctx, GFP_ATOMIC, 4, pages)).toBe(4);
      expectMmError(mem, 'SLEEP_IN_ATOMIC', () => allocPagesBulk(ctx, GFP_KERNEL as Any, 4, [null, null]));
    });
    freeAll(pages);
  });

  it('refuses bad arguments with INVALID_ARGUMENT and changes nothing', () => {
    const mem = createMemory({ pages: 1024, ...quiet });
    const other = createMemory({ pages: 64, ...quiet });
    const bad: [string, () => unknown][] = [
      ['nrPages NaN', () => allocPagesBulk(mem, GFP_KERNEL, NaN, [])],
      ['nrPages -1', () => allocPagesBulk(mem, GFP_KERNEL, -1, [])],
      ['nrPages 1.5', () => allocPagesBulk(mem, GFP_KERNEL, 1.5, [null, null])],
      ['nrPages string', () => allocPagesBulk(mem, GFP_KERNEL, '4' as Any, [null])],
      ['nrPages 2^31', () => allocPagesBulk(mem, GFP_KERNEL, 2 ** 31, [])],
      ['not an array', () => allocPagesBulk(mem, GFP_KERNEL, 2, { length: 2 } as Any)],
      ['a slot holding a number', () => allocPagesBulk(mem, GFP_KERNEL, 2, [null, 5 as Any])],
      ['a slot holding a spread copy', () => allocPagesBulk(mem, GFP_KERNEL, 2, [null, { ...allocPage(other, GFP_KERNEL)! } as Any])],
      ['a frozen array', () => allocPagesBulk(mem, GFP_KERNEL, 2, Object.freeze([null, null]) as Any)],
      ['a sealed array with holes', () => allocPagesBulk(mem, GFP_KERNEL, 3, Object.seal([null]) as Any)],
      [
        'a Proxy that throws',
        () =>
          allocPagesBulk(
            mem,
            GFP_KERNEL,
            2,
            new Proxy([null, null], {
              get: () => {
                throw new Error('trap');
              },
            }),
          ),
      ],
      ['bad gfp', () => allocPagesBulk(mem, 0x7fffffff as Any, 2, [null, null])],
      ['not a context', () => allocPagesBulk({} as Any, GFP_KERNEL, 2, [null, null])],
    ];
    for (const [what, call] of bad) {
      const err = expectMmError(mem, 'INVALID_ARGUMENT', call);
      expect(err.message, what).toMatch(/^allocPagesBulk\(\)/);
    }
  });

  it('a slot that accepts null but refuses the page: the pages are given back, INVALID_ARGUMENT', () => {
    const mem = createMemory({ pages: 1024, ...quiet });
    const before = snapshot(mem);
    let writes = 0;
    const arr: Slot[] = [null, null, null];
    Object.defineProperty(arr, 1, {
      get: () => null,
      set: () => {
        if (++writes > 1) throw new Error('no');
      },
    });
    let err: unknown;
    try {
      allocPagesBulk(mem, GFP_KERNEL, 3, arr);
    } catch (e) {
      err = e;
    }
    expect((err as { code?: string }).code).toBe('INVALID_ARGUMENT');
    verifyMemory(mem);
    // The page stored in slot 0 is the caller's; every other page went back.
    expect(memStats(mem).liveAllocations).toBe(1);
    freePage(arr[0]!);
    expect((snapshot(mem) as { live: number }).live).toBe((before as { live: number }).live);
  });
});
