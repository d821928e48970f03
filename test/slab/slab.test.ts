/**
 * kmem_cache at run time: creation checks, objects packed into slab pages of the order
 * calculateOrder gives, frees into the right cache only, destroy only when empty, object bounds,
 * empty slabs back to the page allocator — each misuse with its MmError code and the allocator
 * unchanged.
 */
import { describe, expect, it } from 'vitest';
import {
  createMemory,
  allocPage,
  freePage,
  pageAddress,
  virtToPage,
  pageToPfn,
  memStats,
  liveAllocations,
  drainAllPages,
  buddyinfo,
  verifyMemory,
  kmemCacheCreate,
  kmemCacheAlloc,
  kmemCacheFree,
  kmemCacheDestroy,
  calculateOrder,
  kmalloc,
  kfree,
  readRaw,
  writeRaw,
  fillZeroRaw,
  withPageMapped,
  spinLockInit,
  withSpinLock,
  GFP_KERNEL,
  GFP_ATOMIC,
  __GFP_ZERO,
  PAGE_SIZE,
  MAX_PAGE_ORDER,
  type SlabObject,
} from '../../src/index.js';
import { expectMmError, quiet } from '../helpers.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

function machine() {
  return createMemory({ pages: 2048, ...quiet });
}

describe('kmemCacheCreate', () => {
  it('makes a cache with its name and object size', () => {
    const mem = machine();
    const c = kmemCacheCreate(mem, 'binder_buffer', 96);
    expect(c.name).toBe('binder_buffer');
    expect(c.objectSize).toBe(96);
    expect(memStats(mem).byKind.slab).toBe(0); // no slab until the first object
    kmemCacheDestroy(c);
  });

  it('refuses bad names, sizes, alignments and options with INVALID_ARGUMENT', () => {
    const mem = machine();
    for (const name of ['', 'x'.repeat(65), 42, null, undefined, {}]) {
      expectMmError(mem, 'INVALID_ARGUMENT', () => kmemCacheCreate(mem, name as Any, 64));
    }
    expect(kmemCacheCreate(mem, 'x'.repeat(64), 64).name).toHaveLength(64);
    for (const size of [0, -1, 1.5, '8', NaN, Infinity, (PAGE_SIZE << MAX_PAGE_ORDER) + 1, 2 ** 53]) {
      expectMmError(mem, 'INVALID_ARGUMENT', () => kmemCacheCreate(mem, 'bad_size', size as Any));
    }
    expect(kmemCacheCreate(mem, 'largest', PAGE_SIZE << MAX_PAGE_ORDER).objectSize).toBe(PAGE_SIZE << MAX_PAGE_ORDER);
    for (const align of [0, 3, 12, -8, 1.5, 2 * PAGE_SIZE, '8']) {
      expectMmError(mem, 'INVALID_ARGUMENT', () => kmemCacheCreate(mem, 'bad_align', 64, { align } as Any));
    }
    expectMmError(mem, 'INVALID_ARGUMENT', () => kmemCacheCreate(mem, 'bad_opts', 64, null as Any));
    expectMmError(mem, 'INVALID_ARGUMENT', () => kmemCacheCreate({} as Any, 'no_mem', 64));
    for (const align of [1, 2, 64, PAGE_SIZE]) kmemCacheCreate(mem, 'ok_align', 64, { align });
  });
});

describe('objects packed into slab pages', () => {
  it('calculateOrder follows SLUB: 8 objects per slab with little waste, larger orders for larger objects', () => {
    expect(calculateOrder(8)).toBe(0);
    expect(calculateOrder(96)).toBe(0);
    expect(calculateOrder(512)).toBe(0);
    expect(calculateOrder(704)).toBe(1);
    expect(calculateOrder(1024)).toBe(1);
    expect(calculateOrder(2048)).toBe(2);
    expect(calculateOrder(4096)).toBe(3);
    expect(calculateOrder(8192)).toBe(3);
  });

  for (const [size, align] of [
    [96, 8],
    [700, 8],
    [1000, 64],
    [4096, 8],
    [100, 128],
  ] as const) {
    it(`${size}-byte objects (align ${align}): a second slab appears exactly when the first is full`, () => {
      const mem = machine();
      const c = kmemCacheCreate(mem, 'packed', size, { align });
      const stride = Math.ceil(size / Math.max(8, align)) * Math.max(8, align);
      const order = calculateOrder(stride);
      const perSlab = Math.floor((PAGE_SIZE << order) / stride);
      const objs: SlabObject<'packed'>[] = [];
      for (let i = 0; i < perSlab; i++) objs.push(kmemCacheAlloc(mem, c, GFP_KERNEL)!);
      expect(memStats(mem).byKind.slab).toBe(1 << order);
      expect(liveAllocations(mem)).toMatchObject([{ kind: 'slab', order }]);
      // All in one slab, at stride apart, aligned.
      const base = objs[0]!;
      expect(objs.map((o) => o - base)).toEqual(objs.map((_, i) => i * stride));
      for (const o of objs) expect(o % Math.max(8, align)).toBe(0);
      objs.push(kmemCacheAlloc(mem, c, GFP_KERNEL)!);
      expect(memStats(mem).byKind.slab).toBe(2 << order);
      for (const o of objs) kmemCacheFree(c, o);
      expect(memStats(mem).byKind.slab).toBe(0);
      kmemCacheDestroy(c);
    });
  }

  it('empty slabs go back to the page allocator (buddyinfo back to the initial one after draining)', () => {
    const mem = machine();
    const initial = buddyinfo(mem);
    const a = kmemCacheCreate(mem, 'a', 200);
    const b = kmemCacheCreate(mem, 'b', 3000);
    const objsA = Array.from({ length: 100 }, () => kmemCacheAlloc(mem, a, GFP_KERNEL)!);
    const objsB = Array.from({ length: 30 }, () => kmemCacheAlloc(mem, b, GFP_KERNEL)!);
    expect(memStats(mem).byKind.slab).toBeGreaterThan(0);
    // Free in an interleaved order, so partial slabs come and go.
    for (let i = 0; i < 100; i += 2) kmemCacheFree(a, objsA[i]!);
    for (let i = 29; i >= 0; i--) kmemCacheFree(b, objsB[i]!);
    for (let i = 1; i < 100; i += 2) kmemCacheFree(a, objsA[i]!);
    expect(memStats(mem).byKind.slab).toBe(0);
    expect(liveAllocations(mem)).toEqual([]);
    kmemCacheDestroy(a);
    kmemCacheDestroy(b);
    drainAllPages(mem);
    verifyMemory(mem);
    expect(buddyinfo(mem)).toBe(initial);
  });

  it('a freed object is handed out again first (LIFO), and __GFP_ZERO zeroes it', () => {
    const mem = machine();
    const c = kmemCacheCreate(mem, 'reuse', 64);
    const keep = kmemCacheAlloc(mem, c, GFP_KERNEL)!; // keeps the slab alive
    const o = kmemCacheAlloc(mem, c, GFP_KERNEL)!;
    writeRaw(o, new Uint8Array(64).fill(0xaa), 0);
    kmemCacheFree(c, o);
    const again = kmemCacheAlloc(mem, c, GFP_KERNEL | __GFP_ZERO)!;
    expect(again).toBe(o);
    const dst = new Uint8Array(64);
    readRaw(again, dst, 0);
    expect(dst.every((x) => x === 0)).toBe(true);
    // Without __GFP_ZERO the old bytes stay, as in the kernel (no init_on_alloc).
    writeRaw(again, new Uint8Array(64).fill(0x55), 0);
    kmemCacheFree(c, again);
    const dirty = kmemCacheAlloc(mem, c, GFP_KERNEL)!;
    expect(dirty).toBe(o);
    readRaw(dirty, dst, 0);
    expect(dst.every((x) => x === 0x55)).toBe(true);
    kmemCacheFree(c, dirty);
    kmemCacheFree(c, keep);
    kmemCacheDestroy(c);
  });

  it('objects are slab pages to virtToPage', () => {
    const mem = machine();
    const c = kmemCacheCreate(mem, 'vtp', 128);
    const o = kmemCacheAlloc(mem, c, GFP_KERNEL)!;
    const head = liveAllocations(mem)[0]!;
    expect(head.kind).toBe('slab');
    expect(pageToPfn(virtToPage(o))).toBe(head.pfn);
    kmemCacheFree(c, o);
    kmemCacheDestroy(c);
  });
});

describe('kmemCacheFree rules', () => {
  it('an object of another cache is WRONG_CACHE', () => {
    const mem = machine();
    const a = kmemCacheCreate(mem, 'cache_a', 64);
    const b = kmemCacheCreate(mem, 'cache_b', 64);
    const oa = kmemCacheAlloc(mem, a, GFP_KERNEL)!;
    const ob = kmemCacheAlloc(mem, b, GFP_KERNEL)!;
    const e = expectMmError(mem, 'WRONG_CACHE', () => kmemCacheFree(b, oa as Any));
    expect(e.message).toContain('"cache_a"');
    expectMmError(mem, 'WRONG_CACHE', () => kmemCacheFree(a, ob as Any));
    const k = kmalloc(mem, 64, GFP_KERNEL)!;
    expectMmError(mem, 'WRONG_CACHE', () => kmemCacheFree(a, k as Any));
    kfree(k);
    kmemCacheFree(a, oa);
    kmemCacheFree(b, ob);
    kmemCacheDestroy(a);
    kmemCacheDestroy(b);
  });

  it('a second free is DOUBLE_FREE while the slab still has other objects', () => {
    const mem = machine();
    const c = kmemCacheCreate(mem, 'df', 32);
    const keep = kmemCacheAlloc(mem, c, GFP_KERNEL)!;
    const o = kmemCacheAlloc(mem, c, GFP_KERNEL)!;
    kmemCacheFree(c, o);
    const e = expectMmError(mem, 'DOUBLE_FREE', () => kmemCacheFree(c, o as Any));
    expect(e.message).toMatch(/^BUG: double free/);
    expectMmError(mem, 'DOUBLE_FREE', () => kfree(o as Any));
    kmemCacheFree(c, keep);
    kmemCacheDestroy(c);
  });

  it('a second free is DOUBLE_FREE after the slab was discarded', () => {
    const mem = machine();
    const c = kmemCacheCreate(mem, 'df2', 32);
    const o = kmemCacheAlloc(mem, c, GFP_KERNEL)!;
    kmemCacheFree(c, o);
    expect(memStats(mem).byKind.slab).toBe(0);
    expectMmError(mem, 'DOUBLE_FREE', () => kmemCacheFree(c, o as Any));
    drainAllPages(mem); // merged into a larger free block: still recognised
    expectMmError(mem, 'DOUBLE_FREE', () => kmemCacheFree(c, o as Any));
    kmemCacheDestroy(c);
  });

  it('an interior address, or the tail of a slab page past the last object, is BAD_ADDRESS', () => {
    const mem = machine();
    const c = kmemCacheCreate(mem, 'interior', 96); // 42 objects, 64 bytes left over
    const o = kmemCacheAlloc(mem, c, GFP_KERNEL)!;
    expectMmError(mem, 'BAD_ADDRESS', () => kmemCacheFree(c, (o + 8) as Any));
    expectMmError(mem, 'BAD_ADDRESS', () => kmemCacheFree(c, (o + 95) as Any));
    expectMmError(mem, 'BAD_ADDRESS', () => kmemCacheFree(c, (o + 42 * 96) as Any)); // the slab's leftover tail
    expectMmError(mem, 'BAD_ADDRESS', () => kfree((o + 8) as Any));
    kmemCacheFree(c, o);
    kmemCacheDestroy(c);
  });

  it('an address that is not a slab object at all is BAD_ADDRESS; a non-number INVALID_ARGUMENT', () => {
    const mem = machine();
    const c = kmemCacheCreate(mem, 'notobj', 64);
    const p = allocPage(mem, GFP_KERNEL)!;
    expectMmError(mem, 'BAD_ADDRESS', () => kmemCacheFree(c, pageAddress(p) as Any));
    expectMmError(mem, 'BAD_ADDRESS', () => kmemCacheFree(c, 0x1234 as Any));
    expectMmError(mem, 'INVALID_ARGUMENT', () => kmemCacheFree(c, 'obj' as Any));
    expectMmError(mem, 'INVALID_ARGUMENT', () => kmemCacheFree(c, 1.5 as Any));
    freePage(p);
    kmemCacheDestroy(c);
  });
});

describe('kmemCacheDestroy', () => {
  it('with objects still allocated is CACHE_NOT_EMPTY naming them; the cache stays usable', () => {
    const mem = machine();
    const c = kmemCacheCreate(mem, 'leaky', 128);
    const o1 = kmemCacheAlloc(mem, c, GFP_KERNEL)!;
    const o2 = kmemCacheAlloc(mem, c, GFP_KERNEL)!;
    const e = expectMmError(mem, 'CACHE_NOT_EMPTY', () => kmemCacheDestroy(c));
    expect(e.message).toContain('leaky');
    expect(e.message).toContain(`Object 0x${o1.toString(16)}`);
    expect(e.message).toContain(`Object 0x${o2.toString(16)}`);
    expect(e.message).toContain(`Object 0x${o1.toString(16)} @offset=0\nObject 0x${o2.toString(16)} @offset=128`);
    expect(e.message).toContain('2 object(s)');
    // Still usable.
    const o3 = kmemCacheAlloc(mem, c, GFP_KERNEL)!;
    kmemCacheFree(c, o1);
    kmemCacheFree(c, o2);
    expectMmError(mem, 'CACHE_NOT_EMPTY', () => kmemCacheDestroy(c));
    kmemCacheFree(c, o3);
    kmemCacheDestroy(c);
  });

  it('a destroyed cache is USE_AFTER_FREE', () => {
    const mem = machine();
    const c = kmemCacheCreate(mem, 'gone', 64);
    kmemCacheDestroy(c);
    expectMmError(mem, 'USE_AFTER_FREE', () => kmemCacheAlloc(mem, c as Any, GFP_KERNEL));
    expectMmError(mem, 'USE_AFTER_FREE', () => kmemCacheFree(c as Any, 0 as Any));
    expectMmError(mem, 'USE_AFTER_FREE', () => kmemCacheDestroy(c as Any));
  });

  it('something that is not a cache made by kmemCacheCreate is FOREIGN_HANDLE', () => {
    const mem = machine();
    expectMmError(mem, 'FOREIGN_HANDLE', () => kmemCacheDestroy({ name: 'fake', objectSize: 8 } as Any));
    expectMmError(mem, 'FOREIGN_HANDLE', () => kmemCacheAlloc(mem, { name: 'fake' } as Any, GFP_KERNEL));
  });
});

describe('object contents', () => {
  it('reads and writes are bounded by the object size, not the stride', () => {
    const mem = machine();
    const c = kmemCacheCreate(mem, 'bounds', 100); // stride 104
    const o = kmemCacheAlloc(mem, c, GFP_KERNEL)!;
    const o2 = kmemCacheAlloc(mem, c, GFP_KERNEL)!;
    const src = Uint8Array.from({ length: 100 }, (_, i) => i + 1);
    writeRaw(o, src, 0);
    const dst = new Uint8Array(100);
    readRaw(o, dst, 0);
    expect(dst).toEqual(src);
    expectMmError(mem, 'OUT_OF_BOUNDS', () => writeRaw(o, new Uint8Array(1), 100));
    expectMmError(mem, 'OUT_OF_BOUNDS', () => writeRaw(o, new Uint8Array(8), 96));
    expectMmError(mem, 'OUT_OF_BOUNDS', () => readRaw(o, new Uint8Array(101), 0));
    expectMmError(mem, 'OUT_OF_BOUNDS', () => fillZeroRaw(o, 50, 51));
    expectMmError(mem, 'OUT_OF_BOUNDS', () => readRaw(o, new Uint8Array(1), -1));
    // An interior address reaches to the end of its object.
    const part = new Uint8Array(90);
    readRaw((o + 10) as Any, part, 0);
    expect(part).toEqual(src.subarray(10));
    expectMmError(mem, 'OUT_OF_BOUNDS', () => readRaw((o + 10) as Any, new Uint8Array(91), 0));
    // The neighbour is untouched.
    const n = new Uint8Array(100);
    readRaw(o2, n, 0);
    expect(n.every((x) => x === 0)).toBe(true);
    kmemCacheFree(c, o2);
    // A free object in a live slab cannot be read or written.
    expectMmError(mem, 'USE_AFTER_FREE', () => readRaw(o2 as Any, new Uint8Array(1), 0));
    expectMmError(mem, 'USE_AFTER_FREE', () => writeRaw(o2 as Any, new Uint8Array([1]), 0));
    kmemCacheFree(c, o);
    // The slab is gone: free memory.
    expectMmError(mem, 'USE_AFTER_FREE', () => readRaw(o as Any, new Uint8Array(1), 0));
    kmemCacheDestroy(c);
  });
});

describe('freeing while kmapped', () => {
  it('freeing the last object of a slab whose page is kmapped is BAD_PAGE_STATE', () => {
    const mem = machine();
    const c = kmemCacheCreate(mem, 'kmapped', 64);
    const o = kmemCacheAlloc(mem, c, GFP_KERNEL)!;
    withPageMapped(virtToPage(o), () => {
      expectMmError(mem, 'BAD_PAGE_STATE', () => kmemCacheFree(c, o));
    });
    kmemCacheFree(c, o);
    kmemCacheDestroy(c);
  });
});

describe('contexts and machines', () => {
  it('kmemCacheAlloc in atomic context: GFP_ATOMIC fine, GFP_KERNEL SLEEP_IN_ATOMIC', () => {
    const mem = machine();
    const c = kmemCacheCreate(mem, 'atomic', 64);
    const lock = spinLockInit(mem);
    const o = withSpinLock(lock, (ctx) => {
      expectMmError(mem, 'SLEEP_IN_ATOMIC', () => kmemCacheAlloc(ctx, c, GFP_KERNEL as Any));
      expectMmError(mem, 'SLEEP_IN_ATOMIC', () => kmemCacheAlloc(mem, c, GFP_KERNEL));
      return kmemCacheAlloc(ctx, c, GFP_ATOMIC);
    })!;
    expect(o).not.toBeNull();
    kmemCacheFree(c, o);
    kmemCacheDestroy(c);
  });

  it('a cache of another machine is FOREIGN_HANDLE', () => {
    const mem1 = machine();
    const mem2 = machine();
    const c1 = kmemCacheCreate(mem1, 'm1', 64);
    const c2 = kmemCacheCreate(mem2, 'm1', 64);
    const e = expectMmError(mem2, 'FOREIGN_HANDLE', () => kmemCacheAlloc(mem2, c1, GFP_KERNEL));
    expect(e.message).toContain('belongs to');
    expect(memStats(mem1).byKind.slab).toBe(0);
    // An object of machine 1 freed into machine 2's cache of the same name is not its object:
    // FOREIGN_HANDLE, as for the cache of another machine (issue 13, item 13; it was BAD_ADDRESS).
    const o1 = kmemCacheAlloc(mem1, c1, GFP_KERNEL)!;
    expectMmError(mem1, 'FOREIGN_HANDLE', () => kmemCacheFree(c2, o1 as Any));
    expectMmError(mem2, 'FOREIGN_HANDLE', () => kmemCacheFree(c2, o1 as Any));
    kmemCacheFree(c1, o1);
    kmemCacheDestroy(c1);
    kmemCacheDestroy(c2);
  });
});
