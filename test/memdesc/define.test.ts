/**
 * User-defined memdescs at run time: the capability set checked where the type is defined, and
 * each lifecycle (Ownable, RefCounted, AlwaysRefCounted, OwnableRefCounted) enforced on every
 * handle — each misuse with its MmError code and the allocator unchanged.
 */
import { describe, expect, it } from 'vitest';
import {
  createMemory,
  allocPage,
  freePage,
  freePages,
  pageToPfn,
  virtToPage,
  memStats,
  liveAllocations,
  drainAllPages,
  buddyinfo,
  verifyMemory,
  readRaw,
  writeRaw,
  withPageMapped,
  getPage,
  defineMemdesc,
  memdescAlloc,
  memdescFree,
  memdescGet,
  memdescPut,
  memdescRefCount,
  memdescPage,
  memdescAddress,
  pageMemdesc,
  intoShared,
  tryFromShared,
  spinLockInit,
  withSpinLock,
  MmError,
  GFP_KERNEL,
  GFP_ATOMIC,
  PAGE_SIZE,
  type MemdescReleaseInfo,
} from '../../src/index.js';
import { expectMmError, quiet } from '../helpers.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

function machine() {
  return createMemory({ pages: 1024, ...quiet });
}

function expectCode(code: string, fn: () => unknown): MmError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(MmError);
  expect((caught as MmError).code).toBe(code);
  return caught as MmError;
}

describe('defineMemdesc: the capability set', () => {
  it('Ownable together with AlwaysRefCounted is INVALID_ARGUMENT', () => {
    const e = expectCode('INVALID_ARGUMENT', () => defineMemdesc({ name: 'bad', ownable: true, alwaysRefCounted: true } as Any));
    expect(e.message).toContain('Ownable');
    expectCode('INVALID_ARGUMENT', () =>
      defineMemdesc({ name: 'bad2', ownable: true, refcounted: true, alwaysRefCounted: true } as Any),
    );
  });

  it('a type with no lifecycle is INVALID_ARGUMENT', () => {
    expectCode('INVALID_ARGUMENT', () => defineMemdesc({ name: 'nothing' } as Any));
    expectCode('INVALID_ARGUMENT', () => defineMemdesc({ name: 'nothing2', ownable: false, refcounted: false } as Any));
  });

  it('bad specs are INVALID_ARGUMENT', () => {
    expectCode('INVALID_ARGUMENT', () => defineMemdesc(null as Any));
    expectCode('INVALID_ARGUMENT', () => defineMemdesc({ name: '', ownable: true } as Any));
    expectCode('INVALID_ARGUMENT', () => defineMemdesc({ name: 42, ownable: true } as Any));
    expectCode('INVALID_ARGUMENT', () => defineMemdesc({ name: 'x', ownable: 'yes' } as Any));
    expectCode('INVALID_ARGUMENT', () => defineMemdesc({ name: 'x', ownable: true, order: 11 } as Any));
    expectCode('INVALID_ARGUMENT', () => defineMemdesc({ name: 'x', ownable: true, order: -1 } as Any));
    expectCode('INVALID_ARGUMENT', () => defineMemdesc({ name: 'x', ownable: true, order: 1.5 } as Any));
    expectCode('INVALID_ARGUMENT', () => defineMemdesc({ name: 'x', ownable: true }, 'no' as Any));
  });

  it('reports the capabilities it was given', () => {
    const O = defineMemdesc({ name: 'o', ownable: true });
    const R = defineMemdesc({ name: 'r', refcounted: true, order: 2 });
    const A = defineMemdesc({ name: 'a', alwaysRefCounted: true });
    const OR = defineMemdesc({ name: 'or', ownable: true, refcounted: true });
    expect(O.capabilities).toEqual({ ownable: true, refcounted: false, alwaysRefCounted: false });
    expect(R.capabilities).toEqual({ ownable: false, refcounted: true, alwaysRefCounted: false });
    expect(R.order).toBe(2);
    expect(A.capabilities).toEqual({ ownable: false, refcounted: true, alwaysRefCounted: true });
    expect(OR.capabilities).toEqual({ ownable: true, refcounted: true, alwaysRefCounted: false });
    expect(OR.name).toBe('or');
  });
});

describe('an Ownable memdesc', () => {
  const Binder = defineMemdesc({ name: 'binder_page', ownable: true });

  it('is allocated owned and freed by its owner', () => {
    const mem = machine();
    const initial = buddyinfo(mem);
    const x = memdescAlloc(mem, Binder, GFP_KERNEL)!;
    expect(memStats(mem).byKind.custom).toBe(1);
    expect(liveAllocations(mem)).toMatchObject([{ kind: 'custom', order: 0 }]);
    expect(memdescRefCount(x)).toBe(0);
    expect(pageToPfn(virtToPage(memdescAddress(x)))).toBe(pageToPfn(memdescPage(x, 0)));
    writeRaw(memdescPage(x, 0), new Uint8Array([5]), 0);
    const d = new Uint8Array(1);
    readRaw(memdescAddress(x), d, 0);
    expect(d[0]).toBe(5);
    memdescFree(x);
    expect(memStats(mem).byKind.custom).toBe(0);
    drainAllPages(mem);
    verifyMemory(mem);
    expect(buddyinfo(mem)).toBe(initial);
  });

  it('a second free is DOUBLE_FREE; any later use USE_AFTER_FREE', () => {
    const mem = machine();
    const x = memdescAlloc(mem, Binder, GFP_KERNEL)!;
    memdescFree(x);
    expectMmError(mem, 'DOUBLE_FREE', () => memdescFree(x as Any));
    expectMmError(mem, 'USE_AFTER_FREE', () => memdescPage(x as Any, 0));
    expectMmError(mem, 'USE_AFTER_FREE', () => memdescAddress(x as Any));
  });

  it('memdescGet / memdescPut on it are NOT_REFCOUNTED', () => {
    const mem = machine();
    const x = memdescAlloc(mem, Binder, GFP_KERNEL)!;
    const e = expectMmError(mem, 'NOT_REFCOUNTED', () => memdescGet(x as Any));
    expect(e.message).toContain('binder_page');
    expectMmError(mem, 'NOT_REFCOUNTED', () => memdescGet(pageMemdesc(memdescPage(x, 0), Binder) as Any));
    expectMmError(mem, 'NOT_REFCOUNTED', () => memdescPut(x as Any));
    memdescFree(x);
  });

  it('a borrow cannot free it (FREE_BORROWED); freePages refuses it (BAD_PAGE_STATE)', () => {
    const mem = machine();
    const x = memdescAlloc(mem, Binder, GFP_KERNEL)!;
    const view = pageMemdesc(memdescPage(x, 0), Binder)!;
    expect(view).not.toBeNull();
    expectMmError(mem, 'FREE_BORROWED', () => memdescFree(view as Any));
    expectMmError(mem, 'BAD_PAGE_STATE', () => freePages(x as Any, 0));
    expectMmError(mem, 'BAD_PAGE_STATE', () => freePage(x as Any));
    expectMmError(mem, 'FREE_BORROWED', () => freePage(memdescPage(x, 0) as Any));
    expectMmError(mem, 'NOT_REFCOUNTED', () => getPage(memdescPage(x, 0) as Any));
    memdescFree(x);
  });

  it('memdescFree of something that is not a memdesc instance is INVALID_ARGUMENT', () => {
    const mem = machine();
    const p = allocPage(mem, GFP_KERNEL)!;
    expectMmError(mem, 'INVALID_ARGUMENT', () => memdescFree(p as Any));
    expectMmError(mem, 'FOREIGN_HANDLE', () => memdescFree({} as Any));
    const x = memdescAlloc(mem, Binder, GFP_KERNEL)!;
    expectMmError(mem, 'FOREIGN_HANDLE', () => memdescFree({ ...(x as Any) }));
    expectMmError(mem, 'FOREIGN_HANDLE', () => memdescAlloc(mem, { ...(Binder as Any) }, GFP_KERNEL));
    memdescFree(x);
    freePage(p);
  });

  it('pageMemdesc is null for pages of another type or owner', () => {
    const mem = machine();
    const Other = defineMemdesc({ name: 'other', ownable: true });
    const x = memdescAlloc(mem, Binder, GFP_KERNEL)!;
    const p = allocPage(mem, GFP_KERNEL)!;
    expect(pageMemdesc(memdescPage(x, 0), Other)).toBeNull();
    expect(pageMemdesc(p, Binder)).toBeNull();
    expect(pageMemdesc(memdescPage(x, 0), Binder)).not.toBeNull();
    freePage(p);
    memdescFree(x);
  });

  it('`using` frees it at the end of the scope', () => {
    const mem = machine();
    {
      using x = memdescAlloc(mem, Binder, GFP_KERNEL)!;
      expect(memStats(mem).byKind.custom).toBe(1);
      void x;
    }
    expect(memStats(mem).byKind.custom).toBe(0);
  });

  it('memdescAlloc in atomic context: GFP_ATOMIC fine, GFP_KERNEL SLEEP_IN_ATOMIC', () => {
    const mem = machine();
    const lock = spinLockInit(mem);
    const x = withSpinLock(lock, (ctx) => {
      expectMmError(mem, 'SLEEP_IN_ATOMIC', () => memdescAlloc(ctx, Binder, GFP_KERNEL as Any));
      expectMmError(mem, 'SLEEP_IN_ATOMIC', () => memdescAlloc(mem, Binder, GFP_KERNEL));
      return memdescAlloc(ctx, Binder, GFP_ATOMIC);
    })!;
    memdescFree(x);
  });
});

describe('a RefCounted memdesc', () => {
  it('get/put move the count; the last put frees and calls release exactly once', () => {
    const mem = machine();
    const released: MemdescReleaseInfo[] = [];
    const Buf = defineMemdesc({ name: 'shared_buf', refcounted: true, order: 1 }, (i) => released.push(i));
    const a = memdescAlloc(mem, Buf, GFP_KERNEL)!;
    const pfn = pageToPfn(memdescPage(a, 0));
    expect(memdescRefCount(a)).toBe(1);
    const b = memdescGet(a);
    const c = memdescGet(b);
    expect(memdescRefCount(a)).toBe(3);
    memdescPut(a);
    memdescPut(c);
    expect(released).toEqual([]);
    expect(memdescRefCount(b)).toBe(1);
    expect(memStats(mem).byKind.custom).toBe(2);
    memdescPut(b);
    expect(released).toEqual([{ name: 'shared_buf', pfn, order: 1 }]);
    expect(memStats(mem).byKind.custom).toBe(0);
    expect(liveAllocations(mem)).toEqual([]);
  });

  it('a put handle: DOUBLE_FREE on put, USE_AFTER_FREE on get', () => {
    const mem = machine();
    let releases = 0;
    const Buf = defineMemdesc({ name: 'rc_df', refcounted: true }, () => void releases++);
    const a = memdescAlloc(mem, Buf, GFP_KERNEL)!;
    const b = memdescGet(a);
    memdescPut(b);
    expectMmError(mem, 'DOUBLE_FREE', () => memdescPut(b as Any));
    expectMmError(mem, 'USE_AFTER_FREE', () => memdescGet(b as Any));
    memdescPut(a);
    expectMmError(mem, 'DOUBLE_FREE', () => memdescPut(a as Any));
    expect(releases).toBe(1);
  });

  it('a reference from a borrow is NOT_REFCOUNTED (not AlwaysRefCounted); a put through one REFCOUNT_UNDERFLOW', () => {
    const mem = machine();
    const Buf = defineMemdesc({ name: 'rc_borrow', refcounted: true });
    const a = memdescAlloc(mem, Buf, GFP_KERNEL)!;
    const view = pageMemdesc(memdescPage(a, 0), Buf)!;
    const e = expectMmError(mem, 'NOT_REFCOUNTED', () => memdescGet(view as Any));
    expect(e.message).toContain('AlwaysRefCounted');
    expectMmError(mem, 'REFCOUNT_UNDERFLOW', () => memdescPut(view as Any));
    expectMmError(mem, 'FREE_BORROWED', () => memdescFree(a as Any)); // an ARef is not the owner
    expect(memdescRefCount(a)).toBe(1);
    memdescPut(a);
  });

  it('`using` puts at the end of the scope', () => {
    const mem = machine();
    let releases = 0;
    const Buf = defineMemdesc({ name: 'rc_using', refcounted: true }, () => void releases++);
    const a = memdescAlloc(mem, Buf, GFP_KERNEL)!;
    {
      using b = memdescGet(a);
      expect(memdescRefCount(b)).toBe(2);
    }
    expect(memdescRefCount(a)).toBe(1);
    {
      using last = a;
      void last;
    }
    expect(releases).toBe(1);
    expect(liveAllocations(mem)).toEqual([]);
  });

  it('the last put while kmapped is BAD_PAGE_STATE, release not called', () => {
    const mem = machine();
    let releases = 0;
    const Buf = defineMemdesc({ name: 'rc_kmap', refcounted: true }, () => void releases++);
    const a = memdescAlloc(mem, Buf, GFP_KERNEL)!;
    withPageMapped(memdescPage(a, 0), () => {
      expectMmError(mem, 'BAD_PAGE_STATE', () => memdescPut(a));
    });
    expect(releases).toBe(0);
    memdescPut(a);
    expect(releases).toBe(1);
  });
});

describe('the release hook', () => {
  it('runs for an Ownable type too, at memdescFree', () => {
    const mem = machine();
    const seen: MemdescReleaseInfo[] = [];
    const O = defineMemdesc({ name: 'owned_released', ownable: true, order: 2 }, (i) => seen.push(i));
    const x = memdescAlloc(mem, O, GFP_KERNEL)!;
    const pfn = pageToPfn(memdescPage(x, 0));
    memdescFree(x);
    expect(seen).toEqual([{ name: 'owned_released', pfn, order: 2 }]);
  });

  it('if it throws, the instance stays allocated and its handle live', () => {
    const mem = machine();
    let fail = true;
    let calls = 0;
    const Buf = defineMemdesc({ name: 'release_throws', refcounted: true }, () => {
      calls++;
      if (fail) throw new Error('release failed');
    });
    const a = memdescAlloc(mem, Buf, GFP_KERNEL)!;
    expect(() => memdescPut(a)).toThrow('release failed');
    expect(memStats(mem).byKind.custom).toBe(1);
    expect(memdescRefCount(a)).toBe(1);
    fail = false;
    memdescPut(a);
    expect(calls).toBe(2);
    expect(liveAllocations(mem)).toEqual([]);
  });
});

describe('an AlwaysRefCounted memdesc', () => {
  it('a reference may be taken from a borrow; a put through a borrow is REFCOUNT_UNDERFLOW', () => {
    const mem = machine();
    let releases = 0;
    const Page2 = defineMemdesc({ name: 'always', alwaysRefCounted: true }, () => void releases++);
    const a = memdescAlloc(mem, Page2, GFP_KERNEL)!;
    const view = pageMemdesc(memdescPage(a, 0), Page2)!;
    const b = memdescGet(view);
    expect(memdescRefCount(a)).toBe(2);
    const e = expectMmError(mem, 'REFCOUNT_UNDERFLOW', () => memdescPut(view as Any));
    expect(e.message).toContain('borrow');
    memdescPut(a);
    memdescPut(b);
    expect(releases).toBe(1);
    // The borrow is stale now.
    expectMmError(mem, 'USE_AFTER_FREE', () => memdescGet(view as Any));
  });
});

describe('an OwnableRefCounted memdesc', () => {
  const ORC = defineMemdesc({ name: 'orc', ownable: true, refcounted: true });

  it('intoShared consumes the Owned handle: a later use is USE_AFTER_FREE', () => {
    const mem = machine();
    const owned = memdescAlloc(mem, ORC, GFP_KERNEL)!;
    const shared = intoShared(owned);
    expect(memdescRefCount(shared)).toBe(1);
    const e = expectMmError(mem, 'USE_AFTER_FREE', () => memdescFree(owned as Any));
    expect(e.message).toContain('moved');
    expectMmError(mem, 'USE_AFTER_FREE', () => memdescRefCount(owned as Any));
    expectMmError(mem, 'USE_AFTER_FREE', () => intoShared(owned as Any));
    memdescPut(shared);
    expect(liveAllocations(mem)).toEqual([]);
  });

  it('tryFromShared: unique → Owned (.unique true), shared → ARef (.unique false); its argument is dead', () => {
    const mem = machine();
    const shared = intoShared(memdescAlloc(mem, ORC, GFP_KERNEL)!);
    const other = memdescGet(shared);
    const r1 = tryFromShared(shared);
    expect(r1.unique).toBe(false);
    expectMmError(mem, 'USE_AFTER_FREE', () => memdescPut(shared as Any));
    expectMmError(mem, 'USE_AFTER_FREE', () => tryFromShared(shared as Any));
    expect(memdescRefCount(r1)).toBe(2);
    memdescPut(other);
    if (r1.unique) throw new Error('unreachable');
    const r2 = tryFromShared(r1);
    expect(r2.unique).toBe(true);
    expectMmError(mem, 'USE_AFTER_FREE', () => memdescPut(r1 as Any));
    if (!r2.unique) throw new Error('unreachable');
    // The Owned handle frees; a put of it is refused.
    expectMmError(mem, 'INVALID_ARGUMENT', () => memdescPut(r2 as Any));
    memdescFree(r2);
    expect(liveAllocations(mem)).toEqual([]);
  });

  it('memdescGet from the Owned handle is NOT_REFCOUNTED (only from an ARef)', () => {
    const mem = machine();
    const owned = memdescAlloc(mem, ORC, GFP_KERNEL)!;
    expectMmError(mem, 'NOT_REFCOUNTED', () => memdescGet(owned as Any));
    expectMmError(mem, 'INVALID_ARGUMENT', () => tryFromShared(owned as Any));
    memdescFree(owned);
  });

  it('intoShared / tryFromShared on a type that is not OwnableRefCounted is NOT_REFCOUNTED', () => {
    const mem = machine();
    const O = defineMemdesc({ name: 'only_owned', ownable: true });
    const R = defineMemdesc({ name: 'only_rc', refcounted: true });
    const o = memdescAlloc(mem, O, GFP_KERNEL)!;
    const r = memdescAlloc(mem, R, GFP_KERNEL)!;
    expectMmError(mem, 'NOT_REFCOUNTED', () => intoShared(o as Any));
    expectMmError(mem, 'NOT_REFCOUNTED', () => tryFromShared(r as Any));
    memdescFree(o);
    memdescPut(r);
  });

  it('`using` on the handles: the moved-from one is left alone, the live one dropped', () => {
    const mem = machine();
    let shared;
    {
      using owned = memdescAlloc(mem, ORC, GFP_KERNEL)!;
      shared = intoShared(owned);
    }
    expect(memdescRefCount(shared)).toBe(1);
    {
      using s = shared;
      void s;
    }
    expect(liveAllocations(mem)).toEqual([]);
  });
});

describe('order-1 memdescs', () => {
  it('have two pages; index 2 is OUT_OF_BOUNDS, a non-integer INVALID_ARGUMENT', () => {
    const mem = machine();
    const Two = defineMemdesc({ name: 'two_pages', ownable: true, order: 1 });
    const x = memdescAlloc(mem, Two, GFP_KERNEL)!;
    expect(memStats(mem).byKind.custom).toBe(2);
    const head = pageToPfn(memdescPage(x, 0));
    expect(head % 2).toBe(0);
    expect(pageToPfn(memdescPage(x, 1))).toBe(head + 1);
    expectMmError(mem, 'OUT_OF_BOUNDS', () => memdescPage(x, 2));
    expectMmError(mem, 'OUT_OF_BOUNDS', () => memdescPage(x, -1));
    expectMmError(mem, 'INVALID_ARGUMENT', () => memdescPage(x, 0.5));
    // The tail page resolves to the same instance.
    expect(pageMemdesc(memdescPage(x, 1), Two)).not.toBeNull();
    expect(pageMemdesc(virtToPage((memdescAddress(x) + PAGE_SIZE + 5) as Any), Two)).not.toBeNull();
    // The whole 8 KiB are the instance's.
    writeRaw(memdescAddress(x), new Uint8Array([1]), 2 * PAGE_SIZE - 1);
    expectMmError(mem, 'OUT_OF_BOUNDS', () => writeRaw(memdescAddress(x), new Uint8Array([1]), 2 * PAGE_SIZE));
    memdescFree(x);
    expect(memStats(mem).byKind.custom).toBe(0);
  });
});
