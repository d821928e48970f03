/**
 * Folios at run time: the refcount on the head page, borrows that hold no reference, the folio
 * lock that writes need, the mapcount that forbids the last put — each misuse with its MmError
 * code and the allocator unchanged. Also `getPage` on every kind of page that is not a folio's
 * (the xen-netfront bug) and forged handles.
 */
import { describe, expect, it } from 'vitest';
import {
  createMemory,
  allocPage,
  allocPages,
  freePage,
  freePages,
  pageAddress,
  pageToPfn,
  virtToPage,
  drainAllPages,
  buddyinfo,
  memStats,
  liveAllocations,
  verifyMemory,
  folioAlloc,
  folioGet,
  folioTryGet,
  folioPut,
  getPage,
  putPage,
  folioRefCount,
  folioOrder,
  folioNrPages,
  folioSize,
  folioPfn,
  folioAddress,
  folioPage,
  pageFolio,
  folioLock,
  folioTrylock,
  folioUnlock,
  folioMapcount,
  folioAddRmapPte,
  folioRemoveRmapPte,
  readRaw,
  writeRaw,
  fillZeroRaw,
  withPageMapped,
  kmalloc,
  kfree,
  vmalloc,
  vfree,
  vmallocToPage,
  pagetableAlloc,
  pagetableFree,
  ptdescPage,
  defineMemdesc,
  memdescAlloc,
  memdescFree,
  memdescPage,
  spinLockInit,
  withSpinLock,
  MmError,
  GFP_KERNEL,
  PAGE_SIZE,
} from '../../src/index.js';
import { expectMmError, quiet } from '../helpers.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

function machine() {
  return createMemory({ pages: 2048, ...quiet });
}

describe('folio refcount', () => {
  it('folioAlloc returns one reference; the accessors describe the folio', () => {
    const mem = machine();
    const f = folioAlloc(mem, GFP_KERNEL, 2)!;
    expect(f).not.toBeNull();
    expect(folioRefCount(f)).toBe(1);
    expect(folioOrder(f)).toBe(2);
    expect(folioNrPages(f)).toBe(4);
    expect(folioSize(f)).toBe(4 * PAGE_SIZE);
    expect(folioPfn(f) % 4).toBe(0);
    expect(folioMapcount(f)).toBe(0);
    expect(pageToPfn(folioPage(f, 3))).toBe(folioPfn(f) + 3);
    expect(pageToPfn(virtToPage(folioAddress(f)))).toBe(folioPfn(f));
    expect(memStats(mem).byKind.folio).toBe(4);
    expect(liveAllocations(mem)).toMatchObject([{ pfn: folioPfn(f), order: 2, kind: 'folio' }]);
    folioPut(f);
    expect(memStats(mem).byKind.folio).toBe(0);
  });

  it('folioGet and getPage on any page of the folio move the one count', () => {
    const mem = machine();
    const f = folioAlloc(mem, GFP_KERNEL, 2)!;
    const g = folioGet(f);
    expect(folioRefCount(f)).toBe(2);
    const refs = [0, 1, 2, 3].map((n) => getPage(folioPage(f, n as 0 | 1 | 2 | 3)));
    expect(folioRefCount(f)).toBe(6);
    const viaAddr = getPage(virtToPage(folioAddress(f)));
    const viaTailAddr = getPage(virtToPage((folioAddress(f) + 3 * PAGE_SIZE + 17) as Any) as Any);
    expect(folioRefCount(f)).toBe(8);
    // Every reference names the same folio: the head's count.
    expect(folioRefCount(viaTailAddr)).toBe(8);
    expect(folioPfn(viaTailAddr)).toBe(folioPfn(f));
    putPage(viaAddr);
    putPage(viaTailAddr);
    for (const r of refs) putPage(r);
    expect(folioRefCount(f)).toBe(2);
    folioPut(g);
    expect(folioRefCount(f)).toBe(1);
    expect(memStats(mem).byKind.folio).toBe(4); // still there
    folioPut(f);
    expect(memStats(mem).byKind.folio).toBe(0);
  });

  it('the last put frees the whole block: buddyinfo back to the initial one after draining', () => {
    const mem = machine();
    const initial = buddyinfo(mem);
    const a = folioAlloc(mem, GFP_KERNEL, 3)!;
    const z = folioAlloc(mem, GFP_KERNEL, 0)!;
    const b = folioGet(a);
    const c = getPage(folioPage(a, 5));
    folioPut(a);
    putPage(c);
    expect(memStats(mem).byKind.folio).toBe(9);
    folioPut(b); // the last reference of the order-3 folio
    expect(memStats(mem).byKind.folio).toBe(1);
    folioPut(z);
    expect(liveAllocations(mem)).toEqual([]);
    drainAllPages(mem);
    verifyMemory(mem);
    expect(buddyinfo(mem)).toBe(initial);
  });

  it('folioTryGet takes a reference while the folio lives, null once it was freed', () => {
    const mem = machine();
    const f = folioAlloc(mem, GFP_KERNEL, 1)!;
    const view = pageFolio(folioPage(f, 1))!;
    expect(view).not.toBeNull();
    const r = folioTryGet(view)!;
    expect(r).not.toBeNull();
    expect(folioRefCount(f)).toBe(2);
    folioPut(r);
    folioPut(f);
    expect(folioTryGet(view as Any)).toBeNull();
    // Still null when the frames are reused by another folio.
    const again = folioAlloc(mem, GFP_KERNEL, 1)!;
    expect(folioTryGet(view as Any)).toBeNull();
    expect(folioRefCount(again)).toBe(1);
    folioPut(again);
  });

  it('folioTryGet on a reference that was itself put is USE_AFTER_FREE while the folio lives', () => {
    const mem = machine();
    const f = folioAlloc(mem, GFP_KERNEL, 0)!;
    const g = folioGet(f);
    folioPut(g);
    expectMmError(mem, 'USE_AFTER_FREE', () => folioTryGet(g as Any));
    folioPut(f);
  });

  it('a put handle cannot be used: DOUBLE_FREE on put, USE_AFTER_FREE on get', () => {
    const mem = machine();
    const f = folioAlloc(mem, GFP_KERNEL, 0)!;
    const g = folioGet(f);
    folioPut(g);
    expectMmError(mem, 'DOUBLE_FREE', () => folioPut(g as Any));
    expectMmError(mem, 'DOUBLE_FREE', () => putPage(g as Any));
    expectMmError(mem, 'USE_AFTER_FREE', () => folioGet(g as Any));
    expectMmError(mem, 'USE_AFTER_FREE', () => folioRefCount(g as Any));
    expect(folioRefCount(f)).toBe(1);
    folioPut(f);
    expectMmError(mem, 'DOUBLE_FREE', () => folioPut(f as Any));
    expectMmError(mem, 'USE_AFTER_FREE', () => folioPage(f as Any, 0));
    expectMmError(mem, 'USE_AFTER_FREE', () => readRaw(f as Any, new Uint8Array(1), 0));
  });

  it('a put through a borrow (pageFolio, folioPage, virtToPage) or a lock guard is REFCOUNT_UNDERFLOW', () => {
    const mem = machine();
    const f = folioAlloc(mem, GFP_KERNEL, 1)!;
    const e = expectMmError(mem, 'REFCOUNT_UNDERFLOW', () => folioPut(pageFolio(folioPage(f, 0)) as Any));
    expect(e.message).toContain('borrow');
    expectMmError(mem, 'REFCOUNT_UNDERFLOW', () => putPage(folioPage(f, 1) as Any));
    expectMmError(mem, 'REFCOUNT_UNDERFLOW', () => putPage(virtToPage(folioAddress(f)) as Any));
    const locked = folioLock(f);
    expectMmError(mem, 'REFCOUNT_UNDERFLOW', () => folioPut(locked as Any));
    folioUnlock(locked);
    expect(folioRefCount(f)).toBe(1);
    folioPut(f);
  });

  it('`using` on an ARef<Folio> puts it at the end of the scope', () => {
    const mem = machine();
    const f = folioAlloc(mem, GFP_KERNEL, 0)!;
    {
      using r = folioGet(f);
      expect(folioRefCount(f)).toBe(2);
      expect(folioRefCount(r)).toBe(2);
    }
    expect(folioRefCount(f)).toBe(1);
    {
      using last = folioAlloc(mem, GFP_KERNEL, 2)!;
      expect(memStats(mem).byKind.folio).toBe(5);
      void last;
    }
    expect(memStats(mem).byKind.folio).toBe(1);
    {
      // Already put inside the scope: the disposer leaves it alone.
      using r = folioGet(f);
      folioPut(r);
    }
    expect(folioRefCount(f)).toBe(1);
    folioPut(f);
    expect(liveAllocations(mem)).toEqual([]);
  });
});

describe('folioPage / pageFolio', () => {
  it('folioPage outside 0..2^order-1 is OUT_OF_BOUNDS, a non-integer INVALID_ARGUMENT', () => {
    const mem = machine();
    const f = folioAlloc(mem, GFP_KERNEL, 2)!;
    expectMmError(mem, 'OUT_OF_BOUNDS', () => folioPage(f, 4 as Any));
    expectMmError(mem, 'OUT_OF_BOUNDS', () => folioPage(f, -1 as Any));
    expectMmError(mem, 'OUT_OF_BOUNDS', () => folioPage(f, 1024 as Any));
    expectMmError(mem, 'INVALID_ARGUMENT', () => folioPage(f, 1.5 as Any));
    expectMmError(mem, 'INVALID_ARGUMENT', () => folioPage(f, '1' as Any));
    expectMmError(mem, 'INVALID_ARGUMENT', () => folioPage(f, NaN as Any));
    const z = folioAlloc(mem, GFP_KERNEL, 0)!;
    expectMmError(mem, 'OUT_OF_BOUNDS', () => folioPage(z, 1 as Any));
    folioPut(z);
    folioPut(f);
  });

  it('pageFolio is null for pages that are not in a folio', () => {
    const mem = machine();
    const p = allocPage(mem, GFP_KERNEL)!;
    expect(pageFolio(p)).toBeNull();
    expect(pageFolio(virtToPage(pageAddress(p)))).toBeNull();
    const k = kmalloc(mem, 64, GFP_KERNEL)!;
    expect(pageFolio(virtToPage(k))).toBeNull();
    const v = vmalloc(mem, 2 * PAGE_SIZE)!;
    expect(pageFolio(vmallocToPage(v))).toBeNull();
    const pt = pagetableAlloc(mem, GFP_KERNEL, 0)!;
    expect(pageFolio(ptdescPage(pt))).toBeNull();
    const f = folioAlloc(mem, GFP_KERNEL, 1)!;
    const view = pageFolio(folioPage(f, 1))!;
    expect(folioPfn(view)).toBe(folioPfn(f));
    expect(folioOrder(view)).toBe(1);
    folioPut(f);
    pagetableFree(pt);
    vfree(v);
    kfree(k);
    freePage(p);
  });

  it('a head-page borrow passed as a folio is refused or describes the real folio', () => {
    const mem = machine();
    const f = folioAlloc(mem, GFP_KERNEL, 2)!;
    const head = folioPage(f, 0);
    let order: number | undefined;
    try {
      order = folioOrder(head as Any);
    } catch (e) {
      expect(e).toBeInstanceOf(MmError);
      expect((e as MmError).code).toBe('INVALID_ARGUMENT');
      return;
    }
    expect(order).toBe(2);
    expect(folioNrPages(head as Any)).toBe(4);
  });
});

describe('mapcount', () => {
  it('the last put of a mapped folio is BAD_PAGE_STATE and changes nothing', () => {
    const mem = machine();
    const f = folioAlloc(mem, GFP_KERNEL, 1)!;
    folioAddRmapPte(f);
    folioAddRmapPte(f);
    expect(folioMapcount(f)).toBe(2);
    const e = expectMmError(mem, 'BAD_PAGE_STATE', () => folioPut(f));
    expect(e.message).toContain('nonzero mapcount');
    expect(e.message).toMatch(/^BUG: Bad page state in process/);
    // A put that is not the last is fine while mapped.
    const g = folioGet(f);
    folioPut(g);
    folioRemoveRmapPte(f);
    expectMmError(mem, 'BAD_PAGE_STATE', () => folioPut(f));
    folioRemoveRmapPte(f);
    expect(folioMapcount(f)).toBe(0);
    folioPut(f);
    expect(liveAllocations(mem)).toEqual([]);
  });

  it('folioRemoveRmapPte below zero is REFCOUNT_UNDERFLOW', () => {
    const mem = machine();
    const f = folioAlloc(mem, GFP_KERNEL, 0)!;
    expectMmError(mem, 'REFCOUNT_UNDERFLOW', () => folioRemoveRmapPte(f));
    folioAddRmapPte(f);
    folioRemoveRmapPte(f);
    expectMmError(mem, 'REFCOUNT_UNDERFLOW', () => folioRemoveRmapPte(f));
    expect(folioMapcount(f)).toBe(0);
    folioPut(f);
  });

  it('the last put while a folio page is kmapped is BAD_PAGE_STATE', () => {
    const mem = machine();
    const f = folioAlloc(mem, GFP_KERNEL, 0)!;
    withPageMapped(folioPage(f, 0), () => {
      expectMmError(mem, 'BAD_PAGE_STATE', () => folioPut(f));
    });
    folioPut(f);
  });
});

describe('folio lock', () => {
  it('writes need the lock: through a folio page, the ARef, a borrow or the address without it is BAD_PAGE_STATE', () => {
    const mem = machine();
    const f = folioAlloc(mem, GFP_KERNEL, 1)!;
    const src = new Uint8Array([1, 2, 3]);
    const e = expectMmError(mem, 'BAD_PAGE_STATE', () => writeRaw(folioPage(f, 0) as Any, src, 0));
    expect(e.message).toContain('without the folio lock');
    expectMmError(mem, 'BAD_PAGE_STATE', () => writeRaw(folioPage(f, 1) as Any, src, 10));
    expectMmError(mem, 'BAD_PAGE_STATE', () => writeRaw(f as Any, src, 0));
    expectMmError(mem, 'BAD_PAGE_STATE', () => writeRaw(pageFolio(folioPage(f, 0)) as Any, src, 0));
    expectMmError(mem, 'BAD_PAGE_STATE', () => writeRaw(folioAddress(f) as Any, src, 0));
    expectMmError(mem, 'BAD_PAGE_STATE', () => writeRaw(virtToPage(folioAddress(f)) as Any, src, 0));
    expectMmError(mem, 'BAD_PAGE_STATE', () => fillZeroRaw(f as Any, 0, 8));
    expect(memStats(mem).backedPages).toBe(0);
    // Reads need no lock.
    const dst = new Uint8Array(3);
    readRaw(f, dst, 0);
    readRaw(folioPage(f, 1), dst, 0);
    expect(dst).toEqual(new Uint8Array(3));
    folioPut(f);
  });

  it('writes through the LockedFolio work, across the pages of the folio', () => {
    const mem = machine();
    const f = folioAlloc(mem, GFP_KERNEL, 1)!;
    const locked = folioLock(f);
    const src = Uint8Array.from({ length: 100 }, (_, i) => i + 1);
    writeRaw(locked, src, PAGE_SIZE - 50);
    folioUnlock(locked);
    const dst = new Uint8Array(100);
    readRaw(f, dst, PAGE_SIZE - 50);
    expect(dst).toEqual(src);
    const tail = new Uint8Array(50);
    readRaw(folioPage(f, 1), tail, 0);
    expect(tail).toEqual(src.subarray(50));
    const l2 = folioTrylock(f)!;
    fillZeroRaw(l2, 0, 2 * PAGE_SIZE);
    expectMmError(mem, 'OUT_OF_BOUNDS', () => writeRaw(l2, new Uint8Array(2), 2 * PAGE_SIZE - 1));
    folioUnlock(l2);
    readRaw(f, dst, PAGE_SIZE - 50);
    expect(dst.every((b) => b === 0)).toBe(true);
    folioPut(f);
  });

  it('the last put of a locked folio is BAD_PAGE_STATE; after unlocking it frees', () => {
    const mem = machine();
    const f = folioAlloc(mem, GFP_KERNEL, 0)!;
    const locked = folioLock(f);
    const e = expectMmError(mem, 'BAD_PAGE_STATE', () => folioPut(f));
    expect(e.message).toContain('locked');
    folioUnlock(locked);
    folioPut(f);
    expect(liveAllocations(mem)).toEqual([]);
  });

  it('folioLock of a locked folio is INVALID_ARGUMENT (deadlock); folioTrylock returns null', () => {
    const mem = machine();
    const f = folioAlloc(mem, GFP_KERNEL, 0)!;
    const locked = folioLock(f);
    expectMmError(mem, 'INVALID_ARGUMENT', () => folioLock(f));
    expectMmError(mem, 'INVALID_ARGUMENT', () => folioLock(pageFolio(folioPage(f, 0)) as Any));
    expect(folioTrylock(f)).toBeNull();
    folioUnlock(locked);
    const again = folioTrylock(f)!;
    expect(again).not.toBeNull();
    folioUnlock(again);
    folioPut(f);
  });

  it('folioLock inside withSpinLock is SLEEP_IN_ATOMIC; folioTrylock is fine there', () => {
    const mem = machine();
    const f = folioAlloc(mem, GFP_KERNEL, 0)!;
    const lock = spinLockInit(mem);
    withSpinLock(lock, () => {
      expectMmError(mem, 'SLEEP_IN_ATOMIC', () => folioLock(f));
      const l = folioTrylock(f);
      expect(l).not.toBeNull();
      folioUnlock(l!);
    });
    folioPut(f);
  });

  it('unlocking twice is USE_AFTER_FREE; unlocking something that is not the guard INVALID_ARGUMENT', () => {
    const mem = machine();
    const f = folioAlloc(mem, GFP_KERNEL, 0)!;
    const locked = folioLock(f);
    expectMmError(mem, 'INVALID_ARGUMENT', () => folioUnlock(f as Any));
    expectMmError(mem, 'INVALID_ARGUMENT', () => folioUnlock(pageFolio(folioPage(f, 0)) as Any));
    folioUnlock(locked);
    expectMmError(mem, 'USE_AFTER_FREE', () => folioUnlock(locked as Any));
    // Even when the folio is locked again through a new guard, the old one stays dead.
    const l2 = folioLock(f);
    expectMmError(mem, 'USE_AFTER_FREE', () => folioUnlock(locked as Any));
    expectMmError(mem, 'USE_AFTER_FREE', () => writeRaw(locked as Any, new Uint8Array([1]), 0));
    folioUnlock(l2);
    folioPut(f);
  });

  it('`using` on a LockedFolio unlocks at the end of the scope', () => {
    const mem = machine();
    const f = folioAlloc(mem, GFP_KERNEL, 0)!;
    {
      using l = folioLock(f);
      writeRaw(l, new Uint8Array([7]), 0);
    }
    const l = folioTrylock(f);
    expect(l).not.toBeNull();
    folioUnlock(l!);
    folioPut(f);
  });
});

describe('getPage on pages that are not a folio\'s: NOT_REFCOUNTED', () => {
  it('a slab page, from virtToPage(kmalloc(...)) (the xen-netfront bug)', () => {
    const mem = machine();
    const buf = kmalloc(mem, 256, GFP_KERNEL)!;
    const e = expectMmError(mem, 'NOT_REFCOUNTED', () => getPage(virtToPage(buf) as Any));
    expect(e.message).toContain('slab');
    expectMmError(mem, 'NOT_REFCOUNTED', () => getPage(virtToPage((buf + 8) as Any) as Any));
    kfree(buf);
  });

  it('a large kmalloc page (misc)', () => {
    const mem = machine();
    const buf = kmalloc(mem, 20000, GFP_KERNEL)!;
    expectMmError(mem, 'NOT_REFCOUNTED', () => getPage(virtToPage(buf) as Any));
    expectMmError(mem, 'NOT_REFCOUNTED', () => getPage(virtToPage((buf + 3 * PAGE_SIZE) as Any) as Any));
    kfree(buf);
  });

  it('a vmalloc page', () => {
    const mem = machine();
    const v = vmalloc(mem, 3 * PAGE_SIZE)!;
    expectMmError(mem, 'NOT_REFCOUNTED', () => getPage(vmallocToPage(v) as Any));
    expectMmError(mem, 'NOT_REFCOUNTED', () => getPage(vmallocToPage((v + 2 * PAGE_SIZE) as Any) as Any));
    vfree(v);
  });

  it('a page-table page', () => {
    const mem = machine();
    const pt = pagetableAlloc(mem, GFP_KERNEL, 0)!;
    expectMmError(mem, 'NOT_REFCOUNTED', () => getPage(ptdescPage(pt) as Any));
    pagetableFree(pt);
  });

  it('a bare allocPage page (owned handle or borrow)', () => {
    const mem = machine();
    const p = allocPage(mem, GFP_KERNEL)!;
    expectMmError(mem, 'NOT_REFCOUNTED', () => getPage(p as Any));
    expectMmError(mem, 'NOT_REFCOUNTED', () => getPage(virtToPage(pageAddress(p)) as Any));
    expectMmError(mem, 'NOT_REFCOUNTED', () => putPage(p as Any));
    const q = allocPages(mem, GFP_KERNEL, 2)!;
    expectMmError(mem, 'NOT_REFCOUNTED', () => getPage(q as Any));
    freePages(q, 2);
    freePage(p);
  });

  it('a page of a user-defined memdesc', () => {
    const mem = machine();
    const T = defineMemdesc({ name: 'folio_test_custom', ownable: true, order: 1 });
    const x = memdescAlloc(mem, T, GFP_KERNEL)!;
    expectMmError(mem, 'NOT_REFCOUNTED', () => getPage(memdescPage(x, 0) as Any));
    expectMmError(mem, 'NOT_REFCOUNTED', () => getPage(memdescPage(x, 1) as Any));
    memdescFree(x);
  });
});

describe('FOREIGN_HANDLE', () => {
  it('spread copies of folio handles are refused', () => {
    const mem = machine();
    const f = folioAlloc(mem, GFP_KERNEL, 1)!;
    const copy = { ...(f as Any) };
    expectMmError(mem, 'FOREIGN_HANDLE', () => folioPut(copy));
    expectMmError(mem, 'FOREIGN_HANDLE', () => folioGet(copy));
    expectMmError(mem, 'FOREIGN_HANDLE', () => folioTryGet(copy));
    expectMmError(mem, 'FOREIGN_HANDLE', () => folioRefCount(copy));
    expectMmError(mem, 'FOREIGN_HANDLE', () => folioLock(copy));
    expectMmError(mem, 'FOREIGN_HANDLE', () => getPage({ ...(folioPage(f, 1) as Any) }));
    const g = folioGet(f);
    expectMmError(mem, 'FOREIGN_HANDLE', () => putPage({ ...(g as Any) }));
    const locked = folioLock(f);
    expectMmError(mem, 'FOREIGN_HANDLE', () => folioUnlock({ ...(locked as Any) }));
    expectMmError(mem, 'FOREIGN_HANDLE', () => writeRaw({ ...(locked as Any) }, new Uint8Array([1]), 0));
    folioUnlock(locked);
    expect(folioRefCount(f)).toBe(2);
    putPage(g);
    folioPut(f);
    expect(liveAllocations(mem)).toEqual([]);
  });

  it('a folio handle of another machine is still its own machine\'s (no cross-machine confusion)', () => {
    const mem1 = machine();
    const mem2 = machine();
    const f = folioAlloc(mem1, GFP_KERNEL, 0)!;
    const g = folioGet(f);
    expect(memStats(mem1).byKind.folio).toBe(1);
    expect(memStats(mem2).byKind.folio).toBe(0);
    folioPut(g);
    folioPut(f);
  });
});
