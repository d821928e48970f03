/**
 * Issue 13, item 1 — one page, two owners: user code that runs while a handle is half-released
 * (a memdesc release hook, a shrinker callback) must not be able to release it a second time.
 */
import { describe, expect, it } from 'vitest';
import {
  allocPage,
  createMemory,
  defineMemdesc,
  freePage,
  kswapd,
  liveAllocations,
  memdescAlloc,
  memdescFree,
  memdescGet,
  memdescPage,
  memdescPut,
  memdescRefCount,
  MmError,
  pageMemdesc,
  pageToPfn,
  reclaimStats,
  shrinkerAlloc,
  shrinkerFree,
  shrinkerRegister,
  verifyMemory,
  GFP_KERNEL,
  type Owned,
  type Page,
} from '../../src/index.js';
import { impl, quiet } from '../helpers.js';
import { drainToMin, emptyPool, freeFromPool } from './pool.js';

type Any = any; // eslint-disable-line @typescript-eslint/no-explicit-any

function codeOf(f: () => unknown): string {
  try {
    f();
    return 'ok';
  } catch (e) {
    return e instanceof MmError ? e.code : `${(e as Error).name}: ${(e as Error).message}`;
  }
}

/** Two fresh pages must be two different pages: a block freed twice comes back twice. */
function expectSoundAllocator(mem: ReturnType<typeof createMemory>): void {
  verifyMemory(mem);
  const seen = new Set<number>();
  const pages: Owned<Page<0>>[] = [];
  for (let i = 0; i < 64; i++) {
    const p = allocPage(mem, GFP_KERNEL)!;
    expect(seen.has(pageToPfn(p))).toBe(false);
    seen.add(pageToPfn(p));
    pages.push(p);
  }
  for (const p of pages) freePage(p);
  verifyMemory(mem);
}

describe('a release hook runs on a handle that is already being released', () => {
  it('an Ownable hook that frees its own handle again: the inner free is DOUBLE_FREE, the block is freed once', () => {
    const mem = createMemory({ pages: 1024, ...quiet });
    let handle: Any;
    const inner: string[] = [];
    let calls = 0;
    const T = defineMemdesc({ name: 'frees_itself', ownable: true }, () => {
      calls++;
      inner.push(codeOf(() => memdescFree(handle)));
    });
    handle = memdescAlloc(mem, T, GFP_KERNEL)!;
    memdescFree(handle);
    expect(calls).toBe(1);
    expect(inner).toEqual(['DOUBLE_FREE']);
    expect(liveAllocations(mem)).toHaveLength(0);
    expectSoundAllocator(mem);
  });

  it('a hook whose inner free is not caught throws DOUBLE_FREE and leaves the instance allocated and its handle live', () => {
    const mem = createMemory({ pages: 1024, ...quiet });
    let handle: Any;
    let again = true;
    const T = defineMemdesc({ name: 'frees_itself_uncaught', ownable: true }, () => {
      if (again) memdescFree(handle);
    });
    handle = memdescAlloc(mem, T, GFP_KERNEL)!;
    expect(codeOf(() => memdescFree(handle))).toBe('DOUBLE_FREE');
    expect(liveAllocations(mem)).toHaveLength(1);
    verifyMemory(mem);
    again = false;
    memdescFree(handle); // the handle is live again: the first free did not happen
    expect(liveAllocations(mem)).toHaveLength(0);
    expectSoundAllocator(mem);
  });

  it('an AlwaysRefCounted hook that puts its reference again, or takes a new one from a borrow: DOUBLE_FREE / USE_AFTER_FREE', () => {
    const mem = createMemory({ pages: 1024, ...quiet });
    let ref: Any;
    let view: Any;
    const inner: string[] = [];
    const T = defineMemdesc({ name: 'puts_itself', alwaysRefCounted: true }, (info) => {
      inner.push(codeOf(() => memdescPut(ref)));
      expect(memdescRefCount(view)).toBe(0);
      inner.push(codeOf(() => memdescGet(view)));
      expect(info.pfn).toBe(pageToPfn(memdescPage(view, 0)));
    });
    ref = memdescAlloc(mem, T, GFP_KERNEL)!;
    view = pageMemdesc(memdescPage(ref, 0), T);
    expect(view).not.toBeNull();
    memdescPut(ref);
    expect(inner).toEqual(['DOUBLE_FREE', 'USE_AFTER_FREE']);
    expect(liveAllocations(mem)).toHaveLength(0);
    expectSoundAllocator(mem);
  });

  it('the last put of a refcounted instance whose hook puts another handle of it: the count stays sound', () => {
    const mem = createMemory({ pages: 1024, ...quiet });
    let refs: Any[] = [];
    const inner: string[] = [];
    const T = defineMemdesc({ name: 'puts_sibling', refcounted: true }, () => {
      for (const r of refs) inner.push(codeOf(() => memdescPut(r)));
    });
    const a = memdescAlloc(mem, T, GFP_KERNEL)!;
    const b = memdescGet(a as Any);
    refs = [a, b];
    memdescPut(b as Any);
    memdescPut(a as Any); // the last put: the hook tries both again
    expect(inner).toEqual(['DOUBLE_FREE', 'DOUBLE_FREE']);
    expect(liveAllocations(mem)).toHaveLength(0);
    expectSoundAllocator(mem);
  });

  it('a hook that throws after a refused inner free: the instance keeps its count and can be put later', () => {
    const mem = createMemory({ pages: 1024, ...quiet });
    let ref: Any;
    let fail = true;
    const T = defineMemdesc({ name: 'throws_in_release', refcounted: true }, () => {
      if (fail) throw new Error('release failed');
    });
    ref = memdescAlloc(mem, T, GFP_KERNEL)!;
    expect(() => memdescPut(ref)).toThrow('release failed');
    expect(memdescRefCount(ref)).toBe(1);
    fail = false;
    memdescPut(ref);
    expect(liveAllocations(mem)).toHaveLength(0);
    expectSoundAllocator(mem);
  });

  it('leaving a using scope runs the same guarded free', () => {
    const mem = createMemory({ pages: 1024, ...quiet });
    let handle: Any;
    const inner: string[] = [];
    const T = defineMemdesc({ name: 'disposed', ownable: true }, () => {
      inner.push(codeOf(() => handle[Symbol.dispose]()));
      inner.push(codeOf(() => memdescFree(handle)));
    });
    {
      using h = memdescAlloc(mem, T, GFP_KERNEL)!;
      handle = h;
    }
    expect(inner).toEqual(['ok', 'DOUBLE_FREE']); // dispose of a dead handle does nothing, as Rust does not drop twice
    expect(liveAllocations(mem)).toHaveLength(0);
    expectSoundAllocator(mem);
  });
});

describe('shrinker callbacks that reach back into reclaim', () => {
  function underPressure() {
    const mem = createMemory({ pages: 1024, ...quiet });
    return { mem, pool: drainToMin(mem) };
  }

  it('a shrinker that frees itself from its own callback is refused (shrinker_free() would wait for itself), and keeps working', () => {
    const { mem, pool } = underPressure();
    const s = shrinkerAlloc(mem, 0, 'self-freeing');
    const inner: string[] = [];
    s.countObjects = () => pool.length;
    s.scanObjects = (_s, sc) => {
      inner.push(codeOf(() => shrinkerFree(s)));
      return freeFromPool(pool, sc);
    };
    shrinkerRegister(s);
    const p = allocPage(mem, GFP_KERNEL)!;
    expect(p).not.toBeNull();
    expect(inner.length).toBeGreaterThan(0);
    expect(new Set(inner)).toEqual(new Set(['INVALID_ARGUMENT']));
    expect(reclaimStats(mem).shrinkers.map((x) => x.name)).toEqual(['self-freeing']);
    shrinkerFree(s); // outside its callbacks it may go
    freePage(p);
    emptyPool(pool);
    expectSoundAllocator(mem);
  });

  it('kswapd called from a shrinker inside direct reclaim is refused and leaves the reclaim flag (PF_MEMALLOC) set', () => {
    const { mem, pool } = underPressure();
    const s = shrinkerAlloc(mem, 0, 'calls-kswapd');
    const inner: string[] = [];
    const inReclaim: boolean[] = [];
    s.countObjects = () => pool.length;
    s.scanObjects = (_s, sc) => {
      inner.push(codeOf(() => kswapd(mem)));
      inReclaim.push(impl(mem).inReclaim);
      return freeFromPool(pool, sc);
    };
    shrinkerRegister(s);
    const p = allocPage(mem, GFP_KERNEL)!;
    expect(p).not.toBeNull();
    expect(new Set(inner)).toEqual(new Set(['INVALID_ARGUMENT']));
    expect(new Set(inReclaim)).toEqual(new Set([true]));
    expect(impl(mem).inReclaim).toBe(false);
    shrinkerFree(s);
    freePage(p);
    emptyPool(pool);
    expectSoundAllocator(mem);
  });
});
