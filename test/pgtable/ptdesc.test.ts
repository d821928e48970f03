/**
 * Page-table descriptors at run time: owned by their page table, freed only through
 * pagetableFree by their owner, never counted — each misuse with its MmError code and the
 * allocator unchanged.
 */
import { describe, expect, it } from 'vitest';
import {
  createMemory,
  allocPage,
  freePage,
  freePages,
  pageToPfn,
  virtToPage,
  pageFolio,
  memStats,
  liveAllocations,
  drainAllPages,
  buddyinfo,
  verifyMemory,
  readRaw,
  writeRaw,
  withPageMapped,
  getPage,
  putPage,
  pagetableAlloc,
  pagetableFree,
  ptdescPage,
  ptdescAddress,
  spinLockInit,
  withSpinLock,
  GFP_KERNEL,
  GFP_ATOMIC,
  __GFP_ZERO,
  PAGE_SIZE,
} from '../../src/index.js';
import { expectMmError, quiet } from '../helpers.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

function machine() {
  return createMemory({ pages: 1024, ...quiet });
}

describe('pagetableAlloc / pagetableFree', () => {
  it('allocates owned page-table pages and frees them', () => {
    const mem = machine();
    const initial = buddyinfo(mem);
    const pt0 = pagetableAlloc(mem, GFP_KERNEL | __GFP_ZERO, 0)!;
    const pt1 = pagetableAlloc(mem, GFP_KERNEL, 1)!;
    expect(pt0).not.toBeNull();
    expect(memStats(mem).byKind.pgtable).toBe(3);
    expect(liveAllocations(mem).map((a) => [a.kind, a.order]).sort()).toEqual([
      ['pgtable', 0],
      ['pgtable', 1],
    ]);
    const pfn = pageToPfn(ptdescPage(pt0));
    expect(ptdescAddress(pt0) % PAGE_SIZE).toBe(0);
    expect(pageToPfn(virtToPage(ptdescAddress(pt0)))).toBe(pfn);
    expect(pageFolio(ptdescPage(pt0))).toBeNull();
    // Contents: a page table's entries live in its page.
    writeRaw(ptdescPage(pt0), new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]), 8);
    const dst = new Uint8Array(8);
    readRaw(ptdescAddress(pt0), dst, 8);
    expect([...dst]).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    pagetableFree(pt0);
    pagetableFree(pt1);
    expect(memStats(mem).byKind.pgtable).toBe(0);
    drainAllPages(mem);
    verifyMemory(mem);
    expect(buddyinfo(mem)).toBe(initial);
  });

  it('refuses a bad order with INVALID_ARGUMENT', () => {
    const mem = machine();
    for (const order of [-1, 11, 1.5, '0']) {
      expectMmError(mem, 'INVALID_ARGUMENT', () => pagetableAlloc(mem, GFP_KERNEL, order as Any));
    }
  });

  it('in atomic context: GFP_ATOMIC fine, GFP_KERNEL SLEEP_IN_ATOMIC', () => {
    const mem = machine();
    const lock = spinLockInit(mem);
    const pt = withSpinLock(lock, (ctx) => {
      expectMmError(mem, 'SLEEP_IN_ATOMIC', () => pagetableAlloc(ctx, GFP_KERNEL as Any, 0));
      expectMmError(mem, 'SLEEP_IN_ATOMIC', () => pagetableAlloc(mem, GFP_KERNEL, 0));
      return pagetableAlloc(ctx, GFP_ATOMIC, 0);
    })!;
    pagetableFree(pt);
  });

  it('a second free is DOUBLE_FREE', () => {
    const mem = machine();
    const pt = pagetableAlloc(mem, GFP_KERNEL, 0)!;
    pagetableFree(pt);
    const e = expectMmError(mem, 'DOUBLE_FREE', () => pagetableFree(pt as Any));
    expect(e.message).toMatch(/^BUG: double free/);
    expectMmError(mem, 'USE_AFTER_FREE', () => ptdescPage(pt as Any));
    expectMmError(mem, 'USE_AFTER_FREE', () => ptdescAddress(pt as Any));
    // Still a double free after the frame was reused.
    const again = pagetableAlloc(mem, GFP_KERNEL, 0)!;
    expectMmError(mem, 'DOUBLE_FREE', () => pagetableFree(pt as Any));
    pagetableFree(again);
  });

  it('freePages / freePage on a page-table page is BAD_PAGE_STATE (free it through its owner)', () => {
    const mem = machine();
    const pt = pagetableAlloc(mem, GFP_KERNEL, 0)!;
    const e = expectMmError(mem, 'BAD_PAGE_STATE', () => freePages(pt as Any, 0));
    expect(e.message).toContain('pgtable');
    expectMmError(mem, 'BAD_PAGE_STATE', () => freePage(pt as Any));
    const pt1 = pagetableAlloc(mem, GFP_KERNEL, 1)!;
    expectMmError(mem, 'BAD_PAGE_STATE', () => freePages(pt1 as Any, 1));
    expectMmError(mem, 'BAD_ORDER', () => freePages(pt1 as Any, 0));
    pagetableFree(pt1);
    pagetableFree(pt);
  });

  it('pagetableFree of a borrow (ptdescPage) is FREE_BORROWED', () => {
    const mem = machine();
    const pt = pagetableAlloc(mem, GFP_KERNEL, 0)!;
    const e = expectMmError(mem, 'FREE_BORROWED', () => pagetableFree(ptdescPage(pt) as Any));
    expect(e.message).toContain('only the page table that owns');
    expectMmError(mem, 'FREE_BORROWED', () => pagetableFree(virtToPage(ptdescAddress(pt)) as Any));
    expectMmError(mem, 'FREE_BORROWED', () => freePage(ptdescPage(pt) as Any));
    pagetableFree(pt);
  });

  it('pagetableFree of something that is not a ptdesc is INVALID_ARGUMENT; a forged one FOREIGN_HANDLE', () => {
    const mem = machine();
    const p = allocPage(mem, GFP_KERNEL)!;
    expectMmError(mem, 'INVALID_ARGUMENT', () => pagetableFree(p as Any));
    expectMmError(mem, 'INVALID_ARGUMENT', () => ptdescPage(p as Any));
    const pt = pagetableAlloc(mem, GFP_KERNEL, 0)!;
    expectMmError(mem, 'FOREIGN_HANDLE', () => pagetableFree({ ...(pt as Any) }));
    expectMmError(mem, 'FOREIGN_HANDLE', () => pagetableFree({} as Any));
    pagetableFree(pt);
    freePage(p);
  });

  it('getPage / putPage on a page-table page is NOT_REFCOUNTED', () => {
    const mem = machine();
    const pt = pagetableAlloc(mem, GFP_KERNEL, 0)!;
    const e = expectMmError(mem, 'NOT_REFCOUNTED', () => getPage(ptdescPage(pt) as Any));
    expect(e.message).toContain('pgtable');
    expectMmError(mem, 'NOT_REFCOUNTED', () => getPage(virtToPage(ptdescAddress(pt)) as Any));
    expectMmError(mem, 'NOT_REFCOUNTED', () => putPage(pt as Any));
    pagetableFree(pt);
  });

  it('pagetableFree while its page is kmapped is BAD_PAGE_STATE', () => {
    const mem = machine();
    const pt = pagetableAlloc(mem, GFP_KERNEL, 0)!;
    withPageMapped(ptdescPage(pt), () => {
      expectMmError(mem, 'BAD_PAGE_STATE', () => pagetableFree(pt));
    });
    pagetableFree(pt);
  });

  it('`using` frees a ptdesc at the end of the scope', () => {
    const mem = machine();
    {
      using pt = pagetableAlloc(mem, GFP_KERNEL, 0)!;
      expect(memStats(mem).byKind.pgtable).toBe(1);
      void pt;
    }
    expect(memStats(mem).byKind.pgtable).toBe(0);
    {
      using pt = pagetableAlloc(mem, GFP_KERNEL, 0)!;
      pagetableFree(pt); // already freed: the disposer leaves it alone
    }
    expect(liveAllocations(mem)).toEqual([]);
  });
});
