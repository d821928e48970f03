import { describe, expect, it } from 'vitest';
import {
  createMemory,
  allocPage,
  allocPages,
  freePage,
  freePages,
  liveAllocations,
  checkLeaks,
  verifyMemory,
  meminfo,
  memStats,
  gfpToString,
  parseGfp,
  MmError,
  MM_ERROR_CODES,
  GFP_KERNEL,
  GFP_ATOMIC,
  GFP_NOWAIT,
  GFP_HIGHUSER_MOVABLE,
  GFP_KERNEL_ACCOUNT,
  __GFP_ZERO,
  __GFP_COMP,
  __GFP_NOWARN,
  kmalloc,
  kfree,
  kmemCacheCreate,
  kmemCacheAlloc,
  kmemCacheFree,
  kmemCacheDestroy,
} from '../../src/index.js';
import { impl, quiet } from '../helpers.js';

describe('page_owner and leak checks', () => {
  it('lists live allocations with their allocation site (pageOwnerStacks)', () => {
    const mem = createMemory({ pages: 1024, pageOwnerStacks: true, ...quiet });
    const p = allocPages(mem, GFP_KERNEL | __GFP_ZERO, 2)!;
    const live = liveAllocations(mem);
    expect(live).toHaveLength(1);
    expect(live[0]).toMatchObject({ pfn: 0, order: 2, kind: 'bare', gfp: 'GFP_KERNEL|__GFP_ZERO' });
    expect(live[0]!.stack).toContain('debug.test.ts');
    freePages(p, 2);
    expect(liveAllocations(mem)).toEqual([]);
  });

  it('checkLeaks throws LEAK naming the leaked block and where it came from (pageOwnerStacks)', () => {
    const mem = createMemory({ pages: 1024, pageOwnerStacks: true, ...quiet });
    const p = allocPage(mem, GFP_KERNEL)!;
    let err: unknown;
    try {
      checkLeaks(mem);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(MmError);
    expect((err as MmError).code).toBe('LEAK');
    expect((err as MmError).message).toMatch(/^kmemleak: 1 new suspected memory leaks\nunreferenced object pfn:0x0 \(order 0, bare\)/);
    expect((err as MmError).message).toContain('debug.test.ts');
    freePage(p);
    expect(() => checkLeaks(mem)).not.toThrow();
  });

  it('checkLeaks reports slab memory by object, as kmemleak does: each leaked object with its own allocation site', () => {
    const mem = createMemory({ pages: 1024, pageOwnerStacks: true, ...quiet });
    const cache = kmemCacheCreate(mem, 'leaky_obj', 96);
    const keep = kmemCacheAlloc(mem, cache, GFP_KERNEL)!; // freed below: not reported
    const leaked = kmemCacheAlloc(mem, cache, GFP_KERNEL)!; function leakSite() { return kmalloc(mem, 48, GFP_KERNEL)!; }
    const small = leakSite();
    kmemCacheFree(cache, keep);
    let err: unknown;
    try {
      checkLeaks(mem);
    } catch (e) {
      err = e;
    }
    expect((err as MmError).code).toBe('LEAK');
    const msg = (err as MmError).message;
    // Two objects, each its own report: address, size and cache, not the slab page.
    expect(msg).toMatch(/^kmemleak: 2 new suspected memory leaks\n/);
    expect(msg).toContain(`unreferenced object 0x${(leaked as number).toString(16)} (size 96, kmem_cache leaky_obj, slab pfn:`);
    expect(msg).toMatch(new RegExp(`unreferenced object 0x${(small as number).toString(16)} \\(size 64, kmem_cache kmalloc-`));
    expect(msg).not.toContain(`0x${(keep as number).toString(16)} (size`);
    // The kmalloc object's backtrace is its own call (leakSite), not the slab page's first allocation.
    const smallReport = msg.slice(msg.indexOf(`0x${(small as number).toString(16)} (size`));
    expect(smallReport).toContain('leakSite');
    kmemCacheFree(cache, leaked);
    kfree(small);
    kmemCacheDestroy(cache);
    expect(() => checkLeaks(mem)).not.toThrow();
  });

  it('without stacks a leaked slab object still names its address, size and cache, and says how to get its stack', () => {
    const mem = createMemory({ pages: 1024, ...quiet });
    const obj = kmalloc(mem, 200, GFP_KERNEL)!;
    let msg = '';
    try {
      checkLeaks(mem);
    } catch (e) {
      msg = (e as MmError).message;
    }
    expect(msg).toContain(`unreferenced object 0x${(obj as number).toString(16)} (size 256, kmem_cache kmalloc-256`);
    expect(msg).toContain('pageOwnerStacks');
    kfree(obj);
  });

  it('by default page_owner records order, GFP flags and time, and says how to get stacks', () => {
    const mem = createMemory({ pages: 1024, ...quiet });
    freePage(allocPage(mem, GFP_KERNEL)!); // clock 1, 2
    const p = allocPages(mem, GFP_KERNEL | __GFP_ZERO, 2)!; // clock 3
    allocPage(mem, GFP_ATOMIC); // clock 4
    const live = liveAllocations(mem);
    expect(live).toHaveLength(2);
    const big = live.find((a) => a.order === 2)!;
    expect(big).toMatchObject({ kind: 'bare', gfp: 'GFP_KERNEL|__GFP_ZERO', ts: 3, age: 1 });
    expect(big.stack).toBe('    (no stack: createMemory({ pageOwnerStacks: true }) records one)');
    expect(live.find((a) => a.order === 0)).toMatchObject({ gfp: 'GFP_ATOMIC', ts: 4, age: 0 });
    let err: unknown;
    try {
      checkLeaks(mem);
    } catch (e) {
      err = e;
    }
    expect((err as MmError).code).toBe('LEAK');
    expect((err as MmError).message).toContain('(order 2, bare): gfp GFP_KERNEL|__GFP_ZERO, age 1');
    freePages(p, 2);
  });

  it('pageOwnerStacks is a boolean and needs page_owner', () => {
    for (const bad of [1, 'yes', null, {}]) {
      expect(() => createMemory({ pages: 64, pageOwnerStacks: bad as never, ...quiet })).toThrow(/pageOwnerStacks must be a boolean/);
    }
    expect(() => createMemory({ pages: 64, debug: 'fast', pageOwnerStacks: true, ...quiet })).toThrow(MmError);
    expect(createMemory({ pages: 64, debug: 'paranoid', pageOwnerStacks: true, ...quiet }).debugLevel).toBe('paranoid');
  });

  it("with debug: 'fast' page_owner is off and says so", () => {
    const mem = createMemory({ pages: 1024, debug: 'fast', ...quiet });
    const p = allocPage(mem, GFP_KERNEL)!;
    expect(liveAllocations(mem)[0]).toMatchObject({ gfp: 'unknown', ts: -1 });
    expect(liveAllocations(mem)[0]!.stack).toContain('page_owner is off');
    freePage(p);
  });

  it('every listed MmError code is a stable string', () => {
    expect(MM_ERROR_CODES).toEqual([
      'DOUBLE_FREE',
      'USE_AFTER_FREE',
      'BAD_ORDER',
      'BAD_PAGE_STATE',
      'FREE_BORROWED',
      'REFCOUNT_UNDERFLOW',
      'NOT_REFCOUNTED',
      'WRONG_CACHE',
      'CACHE_NOT_EMPTY',
      'SLEEP_IN_ATOMIC',
      'OUT_OF_BOUNDS',
      'BAD_ADDRESS',
      'FOREIGN_HANDLE',
      'INVALID_ARGUMENT',
      'LEAK',
    ]);
  });
});

describe('verifyMemory catches corruption', () => {
  it('passes on a sound allocator and fails on each kind of damage', () => {
    const fresh = () => createMemory({ pages: 1024, ...quiet });
    const sound = fresh();
    const keep = allocPages(sound, GFP_KERNEL, 3)!;
    verifyMemory(sound);
    freePages(keep, 3);

    // Two free buddies left unmerged.
    const a = fresh();
    const m = impl(a);
    const z = m.zones[0]!;
    m.delFromFreeList(z, 0, 10);
    m.addToFreeList(z, 0, 9, false);
    m.addToFreeList(z, 512, 9, false);
    expect(() => verifyMemory(a)).toThrow(/were not merged/);

    // A counter that does not match a recount.
    const b = fresh();
    impl(b).zones[0]!.freePages++;
    expect(() => verifyMemory(b)).toThrow(/NR_FREE_PAGES/);

    // A page inside a block that claims to start one.
    const c = fresh();
    impl(c).map.kind[5] = 3;
    expect(() => verifyMemory(c)).toThrow(/inside block/);

    // A broken free-list link.
    const d = fresh();
    const pd = allocPages(d, GFP_KERNEL, 0)!; // splits: free blocks at orders 0..9
    impl(d).map.u1[impl(d).zones[0]!.freeHead[5]!] = 7;
    expect(() => verifyMemory(d)).toThrow(/broken prev link/);
    void pd;
  });

  it("debug: 'paranoid' checks after every call", () => {
    const mem = createMemory({ pages: 1024, debug: 'paranoid', ...quiet });
    const p = allocPage(mem, GFP_KERNEL)!;
    impl(mem).zones[0]!.freePages--; // damage it behind the allocator's back
    expect(() => freePage(p)).toThrow(/allocator inconsistent/);
  });
});

describe('GFP text, as %pGg prints it', () => {
  it('prints composites first, then single bits', () => {
    expect(gfpToString(GFP_KERNEL)).toBe('GFP_KERNEL');
    expect(gfpToString(GFP_KERNEL | __GFP_ZERO)).toBe('GFP_KERNEL|__GFP_ZERO');
    expect(gfpToString(GFP_KERNEL_ACCOUNT | __GFP_ZERO)).toBe('GFP_KERNEL_ACCOUNT|__GFP_ZERO');
    expect(gfpToString(GFP_HIGHUSER_MOVABLE | __GFP_COMP)).toBe('GFP_HIGHUSER_MOVABLE|__GFP_COMP');
    expect(gfpToString(GFP_NOWAIT | __GFP_NOWARN)).toBe('GFP_NOWAIT|__GFP_NOWARN');
    expect(gfpToString(GFP_ATOMIC)).toBe('GFP_ATOMIC');
    expect(gfpToString(0)).toBe('none');
    expect(gfpToString(0x1000000)).toBe('0x1000000');
  });

  it('parses what the kernel prints back into the same bits', () => {
    for (const g of [GFP_KERNEL, GFP_KERNEL | __GFP_ZERO, GFP_HIGHUSER_MOVABLE | __GFP_COMP, GFP_ATOMIC, 0]) {
      expect(parseGfp(gfpToString(g))).toBe(g);
    }
    expect(parseGfp('0xcc0')).toBe(GFP_KERNEL);
    expect(parseGfp('GFP_BOGUS')).toBeUndefined();
  });
});

describe('meminfo', () => {
  it('prints /proc/meminfo-style lines', () => {
    const mem = createMemory({ pages: 1024, ...quiet });
    const p = allocPages(mem, GFP_KERNEL, 2)!;
    const text = meminfo(mem);
    expect(text.split('\n')[0]).toBe('MemTotal:           4096 kB');
    expect(text).toContain('BarePages:            16 kB');
    expect(memStats(mem).byKind.bare).toBe(4);
    freePages(p, 2);
  });
});
