/**
 * Issue 13, items 4, 9 and 13 — exported helpers check their input, and the same question gets the
 * same answer from every function that can be asked it.
 */
import { describe, expect, it } from 'vitest';
import {
  allocPage,
  calculateOrder,
  checkLeaks,
  createMemory,
  folioAlloc,
  folioGet,
  folioPage,
  folioPut,
  folioTryGet,
  freePage,
  gfp,
  gfpflagsAllowBlocking,
  gfpToString,
  kmemCacheAlloc,
  kmemCacheCreate,
  kmemCacheDestroy,
  kmemCacheFree,
  listLruAdd,
  listLruContains,
  listLruInit,
  meminfo,
  MmError,
  parseGfp,
  GFP_KERNEL,
  GFP_ATOMIC,
  __GFP_ZERO,
  MAX_PAGE_ORDER,
  PAGE_SIZE,
} from '../../src/index.js';
import { expectMmError, quiet } from '../helpers.js';

type Any = any; // eslint-disable-line @typescript-eslint/no-explicit-any

function mmCode(f: () => unknown): string {
  try {
    f();
    return 'returned';
  } catch (e) {
    return e instanceof MmError ? e.code : `${(e as Error).name}: ${(e as Error).message}`;
  }
}

const junk: unknown[] = [NaN, -1, 0, 1.5, '64', {}, [], null, undefined, Infinity, 10n, Symbol('s')];

describe('calculateOrder', () => {
  it('refuses what is not an object size (NaN, negative, 0, strings, objects, BigInt, Symbol) with INVALID_ARGUMENT', () => {
    for (const v of junk) {
      expect(mmCode(() => calculateOrder(v as Any)), String(typeof v === 'symbol' ? 'symbol' : v)).toBe('INVALID_ARGUMENT');
    }
  });

  it('terminates for every number: sizes above the largest slab object are INVALID_ARGUMENT', () => {
    for (const v of [2 ** 30 + 1, 2 ** 31, 2 ** 32, 2 ** 53, Number.MAX_VALUE, (PAGE_SIZE << MAX_PAGE_ORDER) + 1]) {
      expect(mmCode(() => calculateOrder(v)), String(v)).toBe('INVALID_ARGUMENT');
    }
    expect(calculateOrder(PAGE_SIZE << MAX_PAGE_ORDER)).toBe(MAX_PAGE_ORDER);
    expect([calculateOrder(64), calculateOrder(192), calculateOrder(4096)]).toEqual([0, 0, 3]);
  });
});

describe('GFP helpers', () => {
  it('parseGfp refuses non-strings with INVALID_ARGUMENT', () => {
    for (const v of [5, null, undefined, {}, [], 1n, Symbol('s')]) expect(mmCode(() => parseGfp(v as Any))).toBe('INVALID_ARGUMENT');
    expect(parseGfp('GFP_KERNEL|__GFP_ZERO')).toBe(GFP_KERNEL | __GFP_ZERO);
    expect(parseGfp('bogus')).toBeUndefined();
  });

  it('gfp() takes GFP flags only: NaN, strings, fractions, negatives and unknown bits (2^31) are INVALID_ARGUMENT', () => {
    for (const v of [NaN, '1', 1.5, -1, 2 ** 31, 2 ** 32, Infinity, {}, 1n]) expect(mmCode(() => gfp(v as Any)), String(v)).toBe('INVALID_ARGUMENT');
    expect(mmCode(() => gfp(GFP_KERNEL, 0x200 as Any))).toBe('INVALID_ARGUMENT'); // __GFP_ATOMIC: not a bit memdesc allocates with
    expect(gfp()).toBe(0);
    expect(gfp(GFP_ATOMIC, __GFP_ZERO)).toBe(GFP_ATOMIC | __GFP_ZERO);
  });

  it('gfpToString and gfpflagsAllowBlocking take a gfp_t (an unsigned 32-bit integer), nothing else', () => {
    for (const v of [NaN, 'GFP_KERNEL', 1.5, -1, 2 ** 32, Infinity, {}, null, 1n]) {
      expect(mmCode(() => gfpToString(v as Any)), String(v)).toBe('INVALID_ARGUMENT');
      expect(mmCode(() => gfpflagsAllowBlocking(v as Any)), String(v)).toBe('INVALID_ARGUMENT');
    }
    expect(gfpToString(GFP_KERNEL | 0x200)).toBe('GFP_KERNEL|0x200'); // unknown bits print as hex, as %pGg does
    expect(gfpflagsAllowBlocking(GFP_KERNEL)).toBe(true);
    expect(gfpflagsAllowBlocking(GFP_ATOMIC)).toBe(false);
  });
});

describe('one question, one answer', () => {
  it('folioTryGet of a handle that is not a folio is INVALID_ARGUMENT, as folioGet says', () => {
    const mem = createMemory({ pages: 1024, ...quiet });
    const p = allocPage(mem, GFP_KERNEL)!;
    const f = folioAlloc(mem, GFP_KERNEL, 1)!;
    for (const notFolio of [p, folioPage(f, 0), folioPage(f, 1)]) {
      expect(mmCode(() => folioGet(notFolio as Any))).toBe('INVALID_ARGUMENT');
      expectMmError(mem, 'INVALID_ARGUMENT', () => folioTryGet(notFolio as Any));
    }
    const ref = folioTryGet(f)!;
    folioPut(ref);
    folioPut(f);
    freePage(p);
  });

  it('listLruContains of a non-object is INVALID_ARGUMENT, as listLruAdd says', () => {
    const lru = listLruInit(createMemory({ pages: 1024, ...quiet }));
    for (const v of [5, 'x', null, undefined, 1n, Symbol('s')]) {
      expect(mmCode(() => listLruAdd(lru, v as Any))).toBe('INVALID_ARGUMENT');
      expect(mmCode(() => listLruContains(lru, v as Any))).toBe('INVALID_ARGUMENT');
    }
  });

  it('kmemCacheFree with a cache or an object of another Memory is FOREIGN_HANDLE', () => {
    const a = createMemory({ pages: 1024, ...quiet });
    const b = createMemory({ pages: 1024, ...quiet });
    const ca = kmemCacheCreate(a, 'cache_a', 64);
    const cb = kmemCacheCreate(b, 'cache_b', 64);
    const oa = kmemCacheAlloc(a, ca, GFP_KERNEL)!;
    const ob = kmemCacheAlloc(b, cb, GFP_KERNEL)!;
    const e1 = expectMmError(a, 'FOREIGN_HANDLE', () => kmemCacheFree(cb, oa as Any));
    expect(e1.message).toContain('kmemCacheFree');
    expectMmError(b, 'FOREIGN_HANDLE', () => kmemCacheFree(ca, ob as Any));
    kmemCacheFree(ca, oa);
    kmemCacheFree(cb, ob);
    kmemCacheDestroy(ca);
    kmemCacheDestroy(cb);
  });

  it('meminfo and checkLeaks name themselves in their errors', () => {
    for (const [name, call] of [
      ['meminfo', () => meminfo(5 as Any)],
      ['checkLeaks', () => checkLeaks(5 as Any)],
    ] as const) {
      let caught: unknown;
      try {
        call();
      } catch (e) {
        caught = e;
      }
      expect((caught as MmError).code).toBe('INVALID_ARGUMENT');
      expect((caught as MmError).message.startsWith(`${name}()`)).toBe(true);
    }
  });
});
