/**
 * The three memory types of examples/binder (designs.ts) on the one protocol (page-range.ts): the
 * same workload in each, what each counts and frees, and the runtime's verdict on the misuses the
 * types of one design refuse and another accepts.
 */
import { describe, expect, it } from 'vitest';
import {
  createMemory,
  allocPage,
  checkLeaks,
  drainAllPages,
  folioGet,
  folioPut,
  folioRefCount,
  folioMapcount,
  freePage,
  getPage,
  putPage,
  kswapd,
  listLruCount,
  memdescGet,
  memdescPage,
  memStats,
  pageFolio,
  pfnToPage,
  verifyMemory,
  withSpinLock,
  GFP_KERNEL,
  GFP_NOWAIT,
  __GFP_NOWARN,
  type ARef,
  type Folio,
  type Memory,
  type Owned,
  type Page,
} from '../../src/index.js';
import { DESIGNS, folioDesign, memdescDesign, pageDesign } from '../../examples/binder/designs.js';
import { BinderShrinker, ShrinkablePageRange, type BinderDesign, type DesignName } from '../../examples/binder/page-range.js';
import { runBinderDemo, runBinderDesigns, type BinderDemoResult } from '../../examples/binder/simulation.js';
import { expectMmError } from '../helpers.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

function setup<S extends object>(design: BinderDesign<S>, pages = 1024) {
  const mem = createMemory({ pages, printk: null });
  const shrinker = new BinderShrinker(mem, design);
  const range = new ShrinkablePageRange(mem, shrinker, 32);
  return { mem, shrinker, range, design };
}

/** Leaves free memory at the min watermark without reclaiming (GFP_NOWAIT), so kswapd has work. */
function pressure(mem: Memory): () => void {
  const held: Owned<Page<0>>[] = [];
  for (let p; (p = allocPage(mem, GFP_NOWAIT | __GFP_NOWARN)); ) held.push(p);
  return () => {
    for (const p of held) freePage(p);
  };
}

function finish(mem: Memory, shrinker: BinderShrinker<object>, ...ranges: ShrinkablePageRange<object>[]) {
  for (const r of ranges) r.destroy();
  shrinker.destroy();
  drainAllPages(mem);
  checkLeaks(mem);
  verifyMemory(mem);
}

describe('one workload, three designs', () => {
  const rs = runBinderDesigns({ transactions: 6000, checkEvery: 250 });
  const all: [DesignName, BinderDemoResult][] = Object.entries(rs) as Any;

  it('each runs under pressure, reuses pages from the LRU, frees through the shrinker and ends at the boot state', () => {
    for (const [name, r] of all) {
      expect(r.design, name).toBe(name);
      expect(r.lruReuses, name).toBeGreaterThan(1000);
      expect(r.directReclaims + r.kswapdRuns, name).toBeGreaterThan(0);
      expect(r.shrinkerFreed, name).toBeGreaterThan(0);
      expect(r.shrinkerFreed + r.freedAtTeardown, name).toBe(r.pagesAllocated);
      expect(r.backToBoot, name).toBe(true);
      expect(r.events.filter((e) => e.kind === 'shrinker pass').length, name).toBe(r.shrinkerPasses);
    }
  });

  it('the allocator sees the same allocations in all three: the same counters, the same memory map', () => {
    const key = (r: BinderDemoResult) => [r.lruReuses, r.pagesAllocated, r.shrinkerFreed, r.shrinkerSkipped, r.freedAtTeardown, r.buddyinfo, r.directReclaims, r.kswapdRuns];
    expect(key(rs.folio)).toEqual(key(rs.page));
    expect(key(rs.memdesc)).toEqual(key(rs.page));
    expect(Array.from(rs.folio.memoryMap)).toEqual(Array.from(rs.page.memoryMap));
    expect(Array.from(rs.memdesc.memoryMap)).toEqual(Array.from(rs.page.memoryMap));
  });

  it('only the folio design counts: a get per mapping, a put per unmapping and per slot', () => {
    expect(rs.page.refcountOps).toEqual({ gets: 0, puts: 0 });
    expect(rs.memdesc.refcountOps).toEqual({ gets: 0, puts: 0 });
    expect(rs.folio.refcountOps.gets).toBe(rs.folio.pagesAllocated);
    expect(rs.folio.refcountOps.puts).toBe(2 * rs.folio.pagesAllocated);
    expect(rs.folio.folioLocks).toBeGreaterThan(0);
    expect(rs.page.folioLocks + rs.memdesc.folioLocks).toBe(0);
    expect(rs.folio.timeline.at(-1)!.refcountOps).toBe(rs.folio.refcountOps.gets + rs.folio.refcountOps.puts - rs.folio.freedAtTeardown * 2);
  });

  it('reports what each keeps per page, as the runtime sees it on a Used page', () => {
    expect(rs.page.metadataPerPage).toMatchObject({ memdesc: 'bare', bytesUsed: 8, memmapBytes: 16, refcount: false, observedRefcount: null, observedMapcount: null });
    expect(rs.folio.metadataPerPage).toMatchObject({ memdesc: 'folio', bytesUsed: 16, refcount: true, mapcount: true, observedRefcount: 2, observedMapcount: 1 });
    expect(rs.memdesc.metadataPerPage).toMatchObject({ memdesc: 'custom', bytesUsed: 12, refcount: false, observedRefcount: null });
    // What the machine held at the end of the run, by memdesc: Binder's pages are bare, folios, or custom.
    const binder = rs.page.freedAtTeardown;
    expect(rs.page.stats.byKind.bare).toBe(binder);
    expect(rs.memdesc.stats.byKind.custom).toBe(binder);
    expect(rs.folio.stats.byKind.folio).toBe(rs.page.stats.byKind.folio + binder);
  });

  it('repeated rounds reproduce every counter (the times are medians)', () => {
    const r = runBinderDesigns({ transactions: 800, repeat: 2 });
    for (const n of ['page', 'folio', 'memdesc'] as const) {
      expect(r[n].nsPerTransaction).toBeGreaterThan(0);
      expect(r[n].backToBoot).toBe(true);
    }
    expect(() => runBinderDesigns({ repeat: 0 })).toThrow(RangeError);
    expect(() => runBinderDemo({ design: 'slab' as Any })).toThrow(/unknown design "slab"/);
  });
});

describe('the folio design: the mapping holds a reference', () => {
  it('a mapped folio has two references (slot, page table) and mapcount 1, Used or Available; the shrinker drops both', () => {
    const { mem, shrinker, range, design } = setup(folioDesign());
    range.useRange(0, 4);
    const f = range.pages[0]!.page!;
    expect([folioRefCount(f), folioMapcount(f)]).toEqual([2, 1]);
    range.stopUsingRange(0, 4);
    expect([folioRefCount(f), folioMapcount(f)]).toEqual([2, 1]); // Available: still mapped, still counted
    expect(range.useRange(0, 1)).toBe(true); // the fast path takes no reference
    expect(design.refcountOps).toEqual({ gets: 4, puts: 0 });
    range.stopUsingRange(0, 1);
    const release = pressure(mem);
    kswapd(mem);
    expect(shrinker.stats.freed).toBe(4);
    expect(design.refcountOps).toEqual({ gets: 4, puts: 8 });
    expect(range.slotStates().slice(0, 4).every((s) => s === 0)).toBe(true);
    release();
    finish(mem, shrinker as Any, range as Any);
  });

  it('the shrinker frees only when the slot holds the last reference: another holder makes it skip the page', () => {
    const { mem, shrinker, range } = setup(folioDesign());
    range.useRange(0, 2);
    range.stopUsingRange(0, 2);
    const pin = folioGet(range.pages[1]!.page!); // say, get_user_pages() on the mapping
    const release = pressure(mem);
    kswapd(mem);
    expect(shrinker.stats.freed).toBe(1);
    expect(shrinker.stats.skips.pinned).toBeGreaterThan(0);
    expect(Array.from(range.slotStates().slice(0, 2))).toEqual([0, 2]); // still Available
    folioPut(pin);
    kswapd(mem);
    expect(shrinker.stats.freed).toBe(2);
    release();
    finish(mem, shrinker as Any, range as Any);
  });

  it("letting go of the slot's reference while still mapped frees nothing: the page table keeps the folio", () => {
    const design: BinderDesign<ARef<Folio<0>>> = folioDesign();
    const { mem, shrinker, range } = setup(design);
    range.useRange(0, 1);
    const info = range.pages[0]!;
    const f = info.page!;
    const pfn = design.pfn(f);
    info.page = null; // a buggy slot that forgets its page without zapping
    design.release(f);
    const view = pageFolio(pfnToPage(mem, pfn))!;
    expect(folioRefCount(view)).toBe(1); // alive: the page table's reference
    design.unmapUser(f); // the zap puts the last reference
    expect(memStats(mem).byKind.folio).toBe(0);
    finish(mem, shrinker as Any, range as Any);
  });
});

describe('the page and memdesc designs: the mapping holds nothing', () => {
  it("freeing the slot's page before the zap is not seen at run time (no mapcount): the protocol zaps first", () => {
    for (const make of [pageDesign, memdescDesign] as (() => BinderDesign<object>)[]) {
      const design: BinderDesign<object> = make();
      const { mem, shrinker, range } = setup(design);
      range.useRange(0, 1);
      const p = range.pages[0]!.page!;
      range.pages[0]!.page = null;
      expect(range.isUserMapped(0)).toBe(true);
      design.release(p); // accepted: nothing counts the user mapping
      expect(memStats(mem).liveAllocations).toBe(0);
      range.unmapUser(0, p);
      finish(mem, shrinker, range);
    }
  });

  it('counting the page is refused at run time too: NOT_REFCOUNTED (page: a bare page; memdesc: binder_page)', () => {
    const pg = setup(pageDesign());
    pg.range.useRange(0, 1);
    const e = expectMmError(pg.mem, 'NOT_REFCOUNTED', () => getPage(pg.range.pages[0]!.page! as Any));
    expect(e.message).toContain('bare page has no refcount');
    expectMmError(pg.mem, 'NOT_REFCOUNTED', () => putPage(pg.range.pages[0]!.page! as Any));
    finish(pg.mem, pg.shrinker as Any, pg.range as Any);

    const md = setup(memdescDesign());
    md.range.useRange(0, 1);
    const slot = md.range.pages[0]!.page!;
    const e2 = expectMmError(md.mem, 'NOT_REFCOUNTED', () => memdescGet(slot as Any));
    expect(e2.message).toContain('"binder_page" has no refcount');
    expectMmError(md.mem, 'NOT_REFCOUNTED', () => getPage(memdescPage(slot, 0) as Any));
    finish(md.mem, md.shrinker as Any, md.range as Any);

    const fo = setup(folioDesign());
    fo.range.useRange(0, 1);
    putPage(getPage(pfnToPage(fo.mem, fo.design.pfn(fo.range.pages[0]!.page!)) as Any) as Any); // counted: a folio page
    finish(fo.mem, fo.shrinker as Any, fo.range as Any);
  });
});

describe("the shrinker's trylocks, in every design", () => {
  for (const name of ['page', 'folio', 'memdesc'] as const) {
    it(`${name}: a held mm_lock, a held range spinlock and an exiting mm each make it skip (LRU_SKIP)`, () => {
      const { mem, shrinker, range } = setup(DESIGNS[name]() as BinderDesign<object>);
      range.useRange(0, 8);
      range.stopUsingRange(0, 8);
      const release = pressure(mem);
      range.mmLock.lock();
      kswapd(mem);
      range.mmLock.unlock();
      withSpinLock(range.lock, () => kswapd(mem));
      range.mmAlive = false;
      kswapd(mem);
      range.mmAlive = true;
      expect(shrinker.stats.freed).toBe(0);
      expect(shrinker.stats.skips.mmLock).toBeGreaterThan(0);
      expect(shrinker.stats.skips.rangeLock).toBeGreaterThan(0);
      expect(shrinker.stats.skips.mmExiting).toBeGreaterThan(0);
      expect(listLruCount(shrinker.lru)).toBe(8);
      kswapd(mem); // nothing held: now it frees
      expect(shrinker.stats.freed).toBe(8);
      release();
      finish(mem, shrinker, range);
    });
  }

  it('a failed slow-path allocation leaves every design consistent (ENOMEM)', () => {
    for (const make of [pageDesign, folioDesign, memdescDesign] as (() => BinderDesign<object>)[]) {
      const mem = createMemory({ pages: 64, minFreeKbytes: 0, printk: null });
      const shrinker = new BinderShrinker(mem, make());
      const range = new ShrinkablePageRange(mem, shrinker, 128);
      expect(range.useRange(0, 128)).toBe(false);
      expect(range.slotStates().filter((s) => s === 1).length).toBe(range.stats.pagesAllocated);
      range.stopUsingRange(0, 128);
      finish(mem, shrinker, range);
      void GFP_KERNEL;
    }
  });
});
