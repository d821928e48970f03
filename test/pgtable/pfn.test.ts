/**
 * pfnToPage and pagePtdesc at run time: a borrow of any pfn of the machine, of unknown owner; the
 * ptdesc a page belongs to, or null. Each misuse with its MmError code and the allocator unchanged.
 * A free pfn has no owner: its borrow is stale from the start.
 */
import { describe, expect, it } from 'vitest';
import {
  createMemory,
  allocPage,
  allocPages,
  freePage,
  freePages,
  pageToPfn,
  pageFolio,
  pageMemdesc,
  folioAlloc,
  folioGet,
  folioPfn,
  folioPut,
  folioRefCount,
  getPage,
  putPage,
  kmalloc,
  kfree,
  virtToPage,
  defineMemdesc,
  memdescAlloc,
  memdescFree,
  memdescPage,
  pfnToPage,
  pagePtdesc,
  pagetableAlloc,
  pagetableFree,
  ptdescPage,
  ptdescAddress,
  readRaw,
  writeRaw,
  withPageMapped,
  drainAllPages,
  buddyinfo,
  verifyMemory,
  GFP_KERNEL,
  __GFP_ZERO,
} from '../../src/index.js';
import { expectMmError, impl, quiet } from '../helpers.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

function machine(pages = 1024) {
  return createMemory({ pages, ...quiet });
}

describe('pfnToPage', () => {
  it('borrows an allocated page: same pfn, no owner it can act for', () => {
    const mem = machine();
    const p = allocPage(mem, GFP_KERNEL)!;
    const pfn = pageToPfn(p);
    const view = pfnToPage(mem, pfn);
    expect(pageToPfn(view)).toBe(pfn);
    expect(pageFolio(view)).toBeNull();
    expect(pagePtdesc(view)).toBeNull();
    writeRaw(p, new Uint8Array([7, 8]), 0);
    const b = new Uint8Array(2);
    readRaw(view, b, 0);
    expect([...b]).toEqual([7, 8]);
    expectMmError(mem, 'FREE_BORROWED', () => freePage(view as Any));
    expectMmError(mem, 'NOT_REFCOUNTED', () => getPage(view as Any));
    expectMmError(mem, 'NOT_REFCOUNTED', () => putPage(view as Any));
    freePage(p);
    // The owner freed it: the borrow is stale.
    expectMmError(mem, 'USE_AFTER_FREE', () => pageToPfn(view));
  });

  it('any page of a block leads to its owner: a folio tail to the folio, counted through folioGet', () => {
    const mem = machine();
    const f = folioAlloc(mem, GFP_KERNEL, 2)!;
    const tail = pfnToPage(mem, folioPfn(f) + 3);
    expect(pageToPfn(tail)).toBe(folioPfn(f) + 3);
    const folio = pageFolio(tail)!;
    expect(folioPfn(folio)).toBe(folioPfn(f));
    const ref = folioGet(folio);
    expect(folioRefCount(f)).toBe(2);
    folioPut(ref);
    // getPage refuses the borrow at compile time (unknown owner); at run time it is a folio page.
    putPage(getPage(tail as Any) as Any);
    folioPut(f);
    // A bare block of order 2 without __GFP_COMP: its inner pages too.
    const b = allocPages(mem, GFP_KERNEL, 2)!;
    expect(pageFolio(pfnToPage(mem, pageToPfn(b) + 2))).toBeNull();
    expectMmError(mem, 'FREE_BORROWED', () => freePages(pfnToPage(mem, pageToPfn(b) + 2) as Any, 0));
    freePages(b, 2);
  });

  it('borrows slab and user-memdesc pages without letting them be counted', () => {
    const mem = machine();
    const buf = kmalloc(mem, 64, GFP_KERNEL)!;
    const slabPage = pfnToPage(mem, pageToPfn(virtToPage(buf)));
    expect(pageFolio(slabPage)).toBeNull();
    expect(pagePtdesc(slabPage)).toBeNull();
    expectMmError(mem, 'NOT_REFCOUNTED', () => getPage(slabPage as Any));
    kfree(buf);
    const T = defineMemdesc({ name: 'pfn_test_md', ownable: true });
    const md = memdescAlloc(mem, T, GFP_KERNEL)!;
    const view = pfnToPage(mem, pageToPfn(memdescPage(md, 0)));
    expect(pageMemdesc(view, T)).not.toBeNull();
    expectMmError(mem, 'NOT_REFCOUNTED', () => getPage(view as Any));
    memdescFree(md);
  });

  it('a free pfn has no owner: the borrow is stale from the start, and stays stale once the page is allocated', () => {
    const mem = createMemory({ pages: 64, minFreeKbytes: 0, ...quiet });
    // pfn 40 is inside a free buddy block; pfn 32 the head of one.
    for (const pfn of [40, 32]) {
      const view = pfnToPage(mem, pfn);
      const e = expectMmError(mem, 'USE_AFTER_FREE', () => pageToPfn(view));
      // Every free page was freed: by its last owner, or at boot (memblock_free_all()).
      expect(e.message).toMatch(/^BUG: KASAN: use-after-free in pageToPfn\(\): pfn:0x[0-9a-f]+ \(order 0\) was already freed/);
      expectMmError(mem, 'USE_AFTER_FREE', () => pagePtdesc(view));
      expectMmError(mem, 'USE_AFTER_FREE', () => pageFolio(view));
      expectMmError(mem, 'USE_AFTER_FREE', () => readRaw(view, new Uint8Array(1), 0));
      expectMmError(mem, 'USE_AFTER_FREE', () => withPageMapped(view, () => 0));
      expectMmError(mem, 'DOUBLE_FREE', () => freePage(view as Any)); // the page is already free
      expect(String(view)).toContain('stale');
    }
    // A page on the per-CPU list is free too.
    const p = allocPage(mem, GFP_KERNEL)!;
    const pfn = pageToPfn(p);
    freePage(p);
    expect(impl(mem).map.kind[pfn]).toBe(2); // PageKind.Pcp
    const onPcp = pfnToPage(mem, pfn);
    expectMmError(mem, 'USE_AFTER_FREE', () => pageToPfn(onPcp));
    // Allocate every page: pfn 40 gets an owner, and the old borrow still refers to nobody.
    const early = pfnToPage(mem, 40);
    const all = [];
    for (let q; (q = allocPage(mem, GFP_KERNEL | __GFP_ZERO)); ) all.push(q);
    expect(all.some((q) => pageToPfn(q) === 40)).toBe(true);
    expectMmError(mem, 'USE_AFTER_FREE', () => pageToPfn(early));
    expect(pageToPfn(pfnToPage(mem, 40))).toBe(40); // a new borrow, of the new owner's page
    for (const q of all) freePage(q);
    drainAllPages(mem);
    verifyMemory(mem);
  });

  it('refuses a pfn outside the machine, or not an integer, with INVALID_ARGUMENT and changes nothing', () => {
    const mem = machine(256);
    for (const pfn of [-1, 256, 1e9, 1.5, Number.NaN, Infinity, '3', null, undefined, 2 ** 53]) {
      const e = expectMmError(mem, 'INVALID_ARGUMENT', () => pfnToPage(mem, pfn as Any));
      expect(e.message).toContain('pfnToPage()');
    }
    const last = allocPage(mem, GFP_KERNEL)!;
    expect(pageToPfn(pfnToPage(mem, pageToPfn(last)))).toBe(pageToPfn(last));
    freePage(last);
    for (const bad of [{}, null, 42, { nrPages: 256 }]) {
      expectMmError(mem, 'INVALID_ARGUMENT', () => pfnToPage(bad as Any, 0));
    }
  });

  it('a pfn of another machine is just a pfn of this one (pfns are per machine)', () => {
    const a = machine(256);
    const b = machine(512);
    expectMmError(a, 'INVALID_ARGUMENT', () => pfnToPage(a, 300));
    const p = allocPage(b, GFP_KERNEL)!;
    expect(pageToPfn(pfnToPage(b, pageToPfn(p)))).toBe(pageToPfn(p));
    freePage(p);
  });
});

describe('pagePtdesc', () => {
  it('leads from any page of a table, found by pfn, to its ptdesc; null for other pages', () => {
    const mem = machine();
    const pt = pagetableAlloc(mem, GFP_KERNEL | __GFP_ZERO, 0)!;
    const pt1 = pagetableAlloc(mem, GFP_KERNEL | __GFP_ZERO, 1)!; // an order-1 table (a PAE-style pgd)
    const head = pageToPfn(ptdescPage(pt1));
    for (const pfn of [head, head + 1]) {
      const t = pagePtdesc(pfnToPage(mem, pfn))!;
      expect(t).not.toBeNull();
      expect(ptdescAddress(t)).toBe(ptdescAddress(pt1));
    }
    const t0 = pagePtdesc(ptdescPage(pt))!;
    writeRaw(ptdescAddress(pt), new Uint8Array([0x63]), 8);
    const b = new Uint8Array(1);
    readRaw(ptdescAddress(t0), b, 8);
    expect(b[0]).toBe(0x63);
    const f = folioAlloc(mem, GFP_KERNEL, 0)!;
    expect(pagePtdesc(pfnToPage(mem, folioPfn(f)))).toBeNull();
    folioPut(f);
    pagetableFree(pt);
    pagetableFree(pt1);
  });

  it('its result is a borrow: pagetableFree of it is FREE_BORROWED; it goes stale with the table', () => {
    const mem = machine();
    const pt = pagetableAlloc(mem, GFP_KERNEL, 0)!;
    const borrowed = pagePtdesc(ptdescPage(pt))!;
    const e = expectMmError(mem, 'FREE_BORROWED', () => pagetableFree(borrowed as Any));
    expect(e.message).toContain('only the page table that owns');
    const view = pfnToPage(mem, pageToPfn(ptdescPage(pt)));
    pagetableFree(pt);
    expectMmError(mem, 'USE_AFTER_FREE', () => ptdescAddress(borrowed));
    expectMmError(mem, 'USE_AFTER_FREE', () => pagePtdesc(view));
    // An entry that still points at the freed table: the walk reports it instead of following it.
    expectMmError(mem, 'USE_AFTER_FREE', () => pagePtdesc(pfnToPage(mem, pageToPfn(view as Any))));
  });

  it('refuses a forged page (FOREIGN_HANDLE) and a freed one (USE_AFTER_FREE)', () => {
    const mem = machine();
    const p = allocPage(mem, GFP_KERNEL)!;
    expectMmError(mem, 'FOREIGN_HANDLE', () => pagePtdesc({ ...(p as Any) }));
    expectMmError(mem, 'FOREIGN_HANDLE', () => pagePtdesc(42 as Any));
    freePage(p);
    expectMmError(mem, 'USE_AFTER_FREE', () => pagePtdesc(p as Any));
    expect(buddyinfo(mem)).toBeDefined();
  });
});
