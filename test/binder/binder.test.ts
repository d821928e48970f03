/**
 * The Binder example (examples/binder/): its invariants, at small scale and under pressure.
 */
import { describe, expect, it } from 'vitest';
import {
  createMemory,
  allocPage,
  freePage,
  listLruCount,
  liveAllocations,
  checkLeaks,
  reclaimStats,
  drainAllPages,
  buddyinfo,
  verifyMemory,
  MmError,
  GFP_KERNEL,
  __GFP_NOWARN,
} from '../../src/index.js';
import { BinderShrinker, ShrinkablePageRange } from '../../examples/binder/page-range.js';
import { runBinderDemo } from '../../examples/binder/simulation.js';
import { pageDesign } from '../../examples/binder/designs.js';

describe('ShrinkablePageRange', () => {
  function setup(pages = 1024) {
    const mem = createMemory({ pages, printk: null });
    const shrinker = new BinderShrinker(mem, pageDesign());
    const range = new ShrinkablePageRange(mem, shrinker, 64);
    return { mem, shrinker, range };
  }

  it('moves slots Free → Used → Available → Used, reusing the page from the LRU without allocating', () => {
    const { mem, shrinker, range } = setup();
    expect(range.useRange(0, 4)).toBe(true);
    expect(Array.from(range.slotStates().slice(0, 5))).toEqual([1, 1, 1, 1, 0]);
    expect(range.stats.pagesAllocated).toBe(4);
    range.write(100, new Uint8Array([1, 2, 3]));
    range.stopUsingRange(0, 4);
    expect(Array.from(range.slotStates().slice(0, 4))).toEqual([2, 2, 2, 2]);
    expect(listLruCount(shrinker.lru)).toBe(4);
    expect(range.useRange(0, 2)).toBe(true); // fast path
    expect(range.stats.lruReuses).toBe(2);
    expect(range.stats.pagesAllocated).toBe(4);
    const b = new Uint8Array(3);
    range.read(100, b);
    expect(Array.from(b)).toEqual([1, 2, 3]); // same page, same data
    range.destroy();
    expect(listLruCount(shrinker.lru)).toBe(0);
    shrinker.destroy();
    checkLeaks(mem);
    void mem;
  });

  it('refuses to touch a page that is not Used', () => {
    const { range, shrinker } = setup();
    expect(() => range.write(0, new Uint8Array(1))).toThrow(/not in use/);
    range.useRange(0, 1);
    range.stopUsingRange(0, 1);
    expect(() => range.read(0, new Uint8Array(1))).toThrow(/not in use/);
    range.destroy();
    shrinker.destroy();
  });

  it('the shrinker frees Available pages under pressure and skips those whose mmap lock is held', () => {
    const { mem, shrinker, range } = setup(1024);
    const other = new ShrinkablePageRange(mem, shrinker, 64);
    range.useRange(0, 32);
    range.stopUsingRange(0, 32);
    other.useRange(0, 32);
    other.stopUsingRange(0, 32);
    expect(listLruCount(shrinker.lru)).toBe(64);
    // Fill memory while `range`'s process holds its mmap lock (as mmap(MAP_POPULATE) would).
    const held = [];
    range.mm.writeLock();
    try {
      for (let p; (p = allocPage(mem, GFP_KERNEL | __GFP_NOWARN)); ) held.push(p);
    } finally {
      range.mm.writeUnlock();
    }
    expect(reclaimStats(mem).directReclaims).toBeGreaterThan(0);
    expect(shrinker.stats.freed).toBe(32); // all of `other`'s pages
    expect(shrinker.stats.skipped).toBeGreaterThan(0); // `range`'s pages: trylock failed
    expect(Array.from(other.slotStates().slice(0, 32)).every((s) => s === 0)).toBe(true);
    expect(Array.from(range.slotStates().slice(0, 32)).every((s) => s === 2)).toBe(true);
    // The freed slots come back through the slow path.
    for (const p of held.splice(0, 64)) freePage(p);
    expect(other.useRange(0, 4)).toBe(true);
    expect(other.stats.pagesAllocated).toBe(32 + 4);
    for (const p of held) freePage(p);
    range.destroy();
    other.destroy();
    shrinker.destroy();
    drainAllPages(mem);
    checkLeaks(mem);
    verifyMemory(mem);
  });

  it('a failed allocation in useRange reports ENOMEM and leaves the range consistent', () => {
    const mem = createMemory({ pages: 64, minFreeKbytes: 0, printk: null });
    const shrinker = new BinderShrinker(mem, pageDesign());
    const range = new ShrinkablePageRange(mem, shrinker, 128);
    expect(range.useRange(0, 128)).toBe(false);
    expect(range.stats.allocFailures).toBe(1);
    const states = range.slotStates();
    expect(states.filter((s) => s === 1).length).toBe(range.stats.pagesAllocated);
    range.stopUsingRange(0, 128);
    range.destroy();
    shrinker.destroy();
    checkLeaks(mem);
  });

  it('the runtime still refuses a double free if the example had one', () => {
    const { mem, range, shrinker } = setup();
    range.useRange(0, 1);
    const page = range.pages[0]!.page!;
    range.destroy();
    expect(() => freePage(page as never)).toThrow(MmError);
    shrinker.destroy();
    expect(liveAllocations(mem)).toEqual([]);
  });
});

describe('the Binder workload', () => {
  it('keeps every invariant (checked every 200 transactions), reclaims under pressure, reuses LRU pages, and leaks nothing', () => {
    const r = runBinderDemo({ transactions: 6000, checkEvery: 200 });
    expect(r.transactions).toBe(6000);
    expect(r.lruReuses).toBeGreaterThan(1000); // the fast path is the common case
    expect(r.pagesAllocated).toBeGreaterThan(0);
    expect(r.directReclaims + r.kswapdRuns).toBeGreaterThan(0);
    expect(r.shrinkerFreed).toBeGreaterThan(0);
    // Every page the slow path allocated was freed exactly once: by the shrinker or at exit.
    expect(r.shrinkerFreed + r.freedAtTeardown).toBe(r.pagesAllocated);
    expect(r.backToBoot).toBe(true);
    expect(r.buddyinfoAfterTeardown).toBe(buddyinfo(createMemory({ bytes: r.machineBytes, printk: null })));
  });

  it('is deterministic for a seed', () => {
    const a = runBinderDemo({ transactions: 1500, seed: 7 });
    const b = runBinderDemo({ transactions: 1500, seed: 7 });
    const c = runBinderDemo({ transactions: 1500, seed: 8 });
    // Everything but the times is decided by the seed.
    const counters = (r: typeof a) => ({ ...r, stats: 0, nsPerTransaction: 0, wallNsPerTransaction: 0, cpuNsPerTransaction: 0 });
    expect(counters(a)).toEqual(counters(b));
    expect(c.bytesSent).not.toBe(a.bytesSent);
  });

  it('on a roomy machine nothing is reclaimed', () => {
    const r = runBinderDemo({ transactions: 2000, memoryBytes: 256 * 1024 * 1024 });
    expect(r.shrinkerFreed).toBe(0);
    expect(r.directReclaims).toBe(0);
    expect(r.freedAtTeardown).toBe(r.pagesAllocated);
  });
});
