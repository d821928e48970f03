/**
 * vmalloc at run time: areas of order-0 vmalloc pages that need not be contiguous, borrows from
 * vmallocToPage, the guard page, the linear map kept apart, contents across page boundaries —
 * each misuse with its MmError code and the allocator unchanged.
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
  pageFolio,
  memStats,
  liveAllocations,
  drainAllPages,
  buddyinfo,
  verifyMemory,
  vmalloc,
  vfree,
  vmallocToPage,
  vmallocPageIter,
  vmallocSize,
  readRaw,
  writeRaw,
  fillZeroRaw,
  withPageMapped,
  spinLockInit,
  withSpinLock,
  kmalloc,
  kfree,
  GFP_KERNEL,
  GFP_ATOMIC,
  __GFP_NOWARN,
  __GFP_ZERO,
  PAGE_SIZE,
  VMALLOC_START,
  type Owned,
  type Page,
} from '../../src/index.js';
import { expectMmError, quiet } from '../helpers.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

function machine(pages = 2048) {
  return createMemory({ pages, ...quiet });
}

function pfnsOf(area: Any): number[] {
  return [...vmallocPageIter(area)].map((p) => pageToPfn(p));
}

describe('vmalloc areas', () => {
  it('are made of order-0 vmalloc memdesc pages, one per PAGE_SIZE (rounded up)', () => {
    const mem = machine();
    const v = vmalloc(mem, 5 * PAGE_SIZE + 1)!;
    expect(v).not.toBeNull();
    expect(v).toBeGreaterThanOrEqual(VMALLOC_START);
    expect(vmallocSize(v)).toBe(5 * PAGE_SIZE + 1);
    expect(memStats(mem).byKind.vmalloc).toBe(6);
    const live = liveAllocations(mem);
    expect(live).toHaveLength(6);
    expect(live.every((a) => a.kind === 'vmalloc' && a.order === 0)).toBe(true);
    expect(pfnsOf(v).sort((a, b) => a - b)).toEqual(live.map((a) => a.pfn));
    vfree(v);
    expect(memStats(mem).byKind.vmalloc).toBe(0);
    expect(liveAllocations(mem)).toEqual([]);
  });

  it('pages need not be physically contiguous', () => {
    const mem = machine();
    // Fragment: take 16 pages, give back every other one; vmalloc picks those up.
    const pages: Owned<Page<0>>[] = Array.from({ length: 16 }, () => allocPage(mem, GFP_KERNEL)!);
    const kept: Owned<Page<0>>[] = [];
    pages.forEach((p, i) => {
      if (i % 2 === 0) freePage(p);
      else kept.push(p);
    });
    const v = vmalloc(mem, 8 * PAGE_SIZE)!;
    const pfns = pfnsOf(v);
    expect(pfns).toHaveLength(8);
    expect(new Set(pfns).size).toBe(8);
    const gaps = pfns.slice(1).filter((pfn, i) => pfn !== pfns[i]! + 1);
    expect(gaps.length).toBeGreaterThan(0);
    // And still virtually contiguous: a write across page k/k+1 reads back.
    const src = Uint8Array.from({ length: 64 }, (_, i) => i + 1);
    writeRaw(v, src, 3 * PAGE_SIZE - 32);
    const dst = new Uint8Array(64);
    readRaw(v, dst, 3 * PAGE_SIZE - 32);
    expect(dst).toEqual(src);
    // The bytes are really in those two non-adjacent frames.
    const a = new Uint8Array(32);
    const b = new Uint8Array(32);
    readRaw(vmallocToPage((v + 2 * PAGE_SIZE) as Any), a, PAGE_SIZE - 32);
    readRaw(vmallocToPage((v + 3 * PAGE_SIZE) as Any), b, 0);
    expect([...a, ...b]).toEqual([...src]);
    vfree(v);
    for (const p of kept) freePage(p);
  });

  it('vmallocToPage gives each page of the area for any address inside it', () => {
    const mem = machine();
    const v = vmalloc(mem, 4 * PAGE_SIZE)!;
    const pfns = pfnsOf(v);
    for (let i = 0; i < 4; i++) {
      for (const off of [0, 1, 2048, PAGE_SIZE - 1]) {
        const page = vmallocToPage((v + i * PAGE_SIZE + off) as Any);
        expect(pageToPfn(page)).toBe(pfns[i]);
      }
    }
    const page = vmallocToPage(v);
    expect(pageFolio(page)).toBeNull();
    // A borrow cannot be freed.
    expectMmError(mem, 'FREE_BORROWED', () => freePage(page as Any));
    vfree(v);
    // The borrow is stale once the area is freed.
    expectMmError(mem, 'USE_AFTER_FREE', () => pageToPfn(page as Any));
  });

  it('the guard page after an area is BAD_ADDRESS', () => {
    const mem = machine();
    const v = vmalloc(mem, 2 * PAGE_SIZE)!;
    const e = expectMmError(mem, 'BAD_ADDRESS', () => vmallocToPage((v + 2 * PAGE_SIZE) as Any));
    expect(e.message).toContain('guard page');
    expectMmError(mem, 'BAD_ADDRESS', () => vmallocToPage((v + 3 * PAGE_SIZE - 1) as Any));
    vfree(v);
  });

  it('a linear-map address in vmallocToPage, a vmalloc address in virtToPage: BAD_ADDRESS', () => {
    const mem = machine();
    const p = allocPage(mem, GFP_KERNEL)!;
    const v = vmalloc(mem, PAGE_SIZE)!;
    expectMmError(mem, 'BAD_ADDRESS', () => vmallocToPage(pageAddress(p) as Any));
    const k = kmalloc(mem, 64, GFP_KERNEL)!;
    expectMmError(mem, 'BAD_ADDRESS', () => vmallocToPage(k as Any));
    const e = expectMmError(mem, 'BAD_ADDRESS', () => virtToPage(v as Any));
    expect(e.message).toContain('vmallocToPage');
    expectMmError(mem, 'BAD_ADDRESS', () => virtToPage((v + 100) as Any));
    expectMmError(mem, 'INVALID_ARGUMENT', () => vmallocToPage('v' as Any));
    kfree(k);
    vfree(v);
    freePage(p);
  });

  it('vmallocPageIter yields every page, in address order', () => {
    const mem = machine();
    const v = vmalloc(mem, 7 * PAGE_SIZE - 5)!;
    const it1 = [...vmallocPageIter(v)];
    expect(it1).toHaveLength(7);
    it1.forEach((page, i) => expect(pageToPfn(page)).toBe(pageToPfn(vmallocToPage((v + i * PAGE_SIZE) as Any))));
    vfree(v);
    expectMmError(mem, 'USE_AFTER_FREE', () => [...vmallocPageIter(v as Any)]);
  });

  it('the iterator notices the area being freed while it runs', () => {
    const mem = machine();
    const v = vmalloc(mem, 3 * PAGE_SIZE)!;
    const iter = vmallocPageIter(v);
    iter.next();
    vfree(v);
    expectMmError(mem, 'USE_AFTER_FREE', () => iter.next());
  });
});

describe('vmalloc contents', () => {
  it('read/write across every page boundary round-trips', () => {
    const mem = machine();
    const size = 5 * PAGE_SIZE;
    const v = vmalloc(mem, size)!;
    const src = Uint8Array.from({ length: size }, (_, i) => (i * 7 + 3) & 0xff || 1);
    writeRaw(v, src, 0);
    const dst = new Uint8Array(size);
    readRaw(v, dst, 0);
    expect(dst).toEqual(src);
    // Through an interior address: offset is relative to it.
    const mid = new Uint8Array(PAGE_SIZE + 10);
    readRaw((v + PAGE_SIZE - 5) as Any, mid, 0);
    expect(mid).toEqual(src.subarray(PAGE_SIZE - 5, 2 * PAGE_SIZE + 5));
    fillZeroRaw(v, PAGE_SIZE - 100, PAGE_SIZE + 200);
    readRaw(v, dst, 0);
    expect(dst.subarray(PAGE_SIZE - 100, 2 * PAGE_SIZE + 100).every((x) => x === 0)).toBe(true);
    expect(dst[PAGE_SIZE - 101]).toBe(src[PAGE_SIZE - 101]);
    expect(dst[2 * PAGE_SIZE + 100]).toBe(src[2 * PAGE_SIZE + 100]);
    vfree(v);
  });

  it('accesses beyond the size asked for are OUT_OF_BOUNDS, nothing written', () => {
    const mem = machine();
    const v = vmalloc(mem, 5000)!; // two pages, 5000 bytes
    writeRaw(v, new Uint8Array([1]), 4999);
    expectMmError(mem, 'OUT_OF_BOUNDS', () => writeRaw(v, new Uint8Array(2), 4999));
    expectMmError(mem, 'OUT_OF_BOUNDS', () => writeRaw(v, new Uint8Array(1), 5000));
    expectMmError(mem, 'OUT_OF_BOUNDS', () => readRaw(v, new Uint8Array(5001), 0));
    expectMmError(mem, 'OUT_OF_BOUNDS', () => writeRaw((v + 5000) as Any, new Uint8Array(1), 0));
    expectMmError(mem, 'OUT_OF_BOUNDS', () => writeRaw(v, new Uint8Array(1), -1));
    expectMmError(mem, 'OUT_OF_BOUNDS', () => fillZeroRaw(v, 4000, 1001));
    vfree(v);
  });

  it('__GFP_ZERO gives zeroed pages even when reusing written frames', () => {
    const mem = machine();
    const v = vmalloc(mem, 4 * PAGE_SIZE)!;
    writeRaw(v, new Uint8Array(4 * PAGE_SIZE).fill(0xcc), 0);
    vfree(v);
    const w = vmalloc(mem, 4 * PAGE_SIZE, GFP_KERNEL | __GFP_ZERO)!;
    const dst = new Uint8Array(4 * PAGE_SIZE);
    readRaw(w, dst, 0);
    expect(dst.every((x) => x === 0)).toBe(true);
    vfree(w);
  });
});

describe('vfree rules', () => {
  it('vfree twice is DOUBLE_FREE', () => {
    const mem = machine();
    const v = vmalloc(mem, 3 * PAGE_SIZE)!;
    vfree(v);
    const e = expectMmError(mem, 'DOUBLE_FREE', () => vfree(v as Any));
    expect(e.message).toMatch(/^BUG: double free: vfree/);
  });

  it('vfree of an interior address is BAD_ADDRESS and frees nothing', () => {
    const mem = machine();
    const v = vmalloc(mem, 3 * PAGE_SIZE)!;
    expectMmError(mem, 'BAD_ADDRESS', () => vfree((v + PAGE_SIZE) as Any));
    expectMmError(mem, 'BAD_ADDRESS', () => vfree((v + 1) as Any));
    expectMmError(mem, 'BAD_ADDRESS', () => vfree((v + 3 * PAGE_SIZE) as Any)); // guard page
    expect(memStats(mem).byKind.vmalloc).toBe(3);
    vfree(v);
  });

  it('vfree of something that is not a vmalloc area: BAD_ADDRESS / INVALID_ARGUMENT', () => {
    const mem = machine();
    const p = allocPage(mem, GFP_KERNEL)!;
    expectMmError(mem, 'BAD_ADDRESS', () => vfree(pageAddress(p) as Any));
    expectMmError(mem, 'INVALID_ARGUMENT', () => vfree(p as Any));
    expectMmError(mem, 'INVALID_ARGUMENT', () => vfree(1.5 as Any));
    freePage(p);
  });

  it('read, write, vmallocToPage, vmallocSize after vfree are USE_AFTER_FREE', () => {
    const mem = machine();
    const v = vmalloc(mem, 2 * PAGE_SIZE)!;
    vfree(v);
    expectMmError(mem, 'USE_AFTER_FREE', () => readRaw(v as Any, new Uint8Array(1), 0));
    expectMmError(mem, 'USE_AFTER_FREE', () => writeRaw(v as Any, new Uint8Array([1]), 0));
    expectMmError(mem, 'USE_AFTER_FREE', () => readRaw((v + PAGE_SIZE + 4) as Any, new Uint8Array(1), 0));
    expectMmError(mem, 'USE_AFTER_FREE', () => vmallocToPage(v as Any));
    expectMmError(mem, 'USE_AFTER_FREE', () => vmallocSize(v as Any));
    // Even once its frames belong to someone else.
    const again = vmalloc(mem, 2 * PAGE_SIZE)!;
    expect(again).not.toBe(v);
    expectMmError(mem, 'USE_AFTER_FREE', () => readRaw(v as Any, new Uint8Array(1), 0));
    vfree(again);
  });

  it('a page still mapped by withPageMapped: vfree is BAD_PAGE_STATE and frees nothing', () => {
    const mem = machine();
    const v = vmalloc(mem, 3 * PAGE_SIZE)!;
    withPageMapped(vmallocToPage((v + 2 * PAGE_SIZE) as Any), () => {
      expectMmError(mem, 'BAD_PAGE_STATE', () => vfree(v));
    });
    expect(memStats(mem).byKind.vmalloc).toBe(3);
    vfree(v);
  });

  it('vmalloc pages cannot be freed as bare pages', () => {
    const mem = machine();
    const v = vmalloc(mem, PAGE_SIZE)!;
    expectMmError(mem, 'FREE_BORROWED', () => freePages(vmallocToPage(v) as Any, 0));
    vfree(v);
  });
});

describe('vmalloc contexts and failure', () => {
  it('vmalloc under a spinlock is SLEEP_IN_ATOMIC, even with GFP_ATOMIC', () => {
    const mem = machine();
    const lock = spinLockInit(mem);
    withSpinLock(lock, (ctx) => {
      expectMmError(mem, 'SLEEP_IN_ATOMIC', () => vmalloc(ctx as Any, PAGE_SIZE, GFP_ATOMIC));
      expectMmError(mem, 'SLEEP_IN_ATOMIC', () => vmalloc(ctx as Any, PAGE_SIZE));
      expectMmError(mem, 'SLEEP_IN_ATOMIC', () => vmalloc(mem, PAGE_SIZE));
      expectMmError(mem, 'SLEEP_IN_ATOMIC', () => vmalloc(mem, PAGE_SIZE, GFP_ATOMIC));
    });
    expect(memStats(mem).byKind.vmalloc).toBe(0);
  });

  it('a size that is not a positive integer is INVALID_ARGUMENT', () => {
    const mem = machine();
    for (const size of [0, -1, 1.5, '4096', NaN]) {
      expectMmError(mem, 'INVALID_ARGUMENT', () => vmalloc(mem, size as Any));
    }
  });

  it('a vmalloc the machine cannot satisfy returns null and leaves no pages allocated', () => {
    const mem = createMemory({ pages: 64, ...quiet });
    const initial = buddyinfo(mem);
    // More than the machine has.
    expect(vmalloc(mem, 65 * PAGE_SIZE)).toBeNull();
    // Fewer than the machine has, more than the watermarks let it hand out: fails part-way.
    const before = memStats(mem).vmstat;
    expect(vmalloc(mem, 64 * PAGE_SIZE)).toBeNull();
    const after = memStats(mem).vmstat;
    expect(after.pgalloc - before.pgalloc).toBeGreaterThan(0); // it did take pages…
    expect(after.pgfree - before.pgfree).toBe(after.pgalloc - before.pgalloc); // …and gave them all back
    expect(vmalloc(mem, 60 * PAGE_SIZE, GFP_KERNEL | __GFP_NOWARN)).toBeNull();
    expect(liveAllocations(mem)).toEqual([]);
    expect(memStats(mem).byKind.vmalloc).toBe(0);
    expect(memStats(mem).allocatedPages).toBe(0);
    drainAllPages(mem);
    verifyMemory(mem);
    expect(buddyinfo(mem)).toBe(initial);
    // And a small one still works afterwards.
    const v = vmalloc(mem, 4 * PAGE_SIZE)!;
    expect(v).not.toBeNull();
    vfree(v);
  });

  it('after freeing everything and draining, buddyinfo is the initial one', () => {
    const mem = machine();
    const initial = buddyinfo(mem);
    const q = allocPages(mem, GFP_KERNEL, 3)!;
    const areas = [1, 3, 17, 100].map((n) => vmalloc(mem, n * PAGE_SIZE)!);
    freePages(q, 3);
    for (const a of areas) vfree(a);
    drainAllPages(mem);
    verifyMemory(mem);
    expect(buddyinfo(mem)).toBe(initial);
  });
});
