/**
 * Each runtime rule of the page allocator, reached the way a cast or plain JS reaches it, with
 * its MmError code — and the allocator exactly as it was before the bad call.
 */
import { describe, expect, it } from 'vitest';
import {
  createMemory,
  allocPages,
  allocPage,
  freePages,
  freePage,
  readRaw,
  writeRaw,
  pageToPfn,
  pageAddress,
  drainAllPages,
  buddyinfo,
  verifyMemory,
  liveAllocations,
  MmError,
  GFP_KERNEL,
  __GFP_ZERO,
} from '../../src/index.js';
import { expectMmError, quiet, snapshot } from '../helpers.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

function machine() {
  return createMemory({ pages: 2048, ...quiet });
}

describe('DOUBLE_FREE and USE_AFTER_FREE: stale handles', () => {
  it('a freed handle cannot be freed again', () => {
    const mem = machine();
    const p = allocPages(mem, GFP_KERNEL, 2)!;
    freePages(p, 2);
    const e = expectMmError(mem, 'DOUBLE_FREE', () => freePages(p as Any, 2));
    expect(e.message).toMatch(/^BUG: double free: freePages\(\) on pfn:0x0 \(order 2\)/);
  });

  it('a freed handle cannot be read, written or asked its pfn', () => {
    const mem = machine();
    const p = allocPage(mem, GFP_KERNEL)!;
    freePage(p);
    expectMmError(mem, 'USE_AFTER_FREE', () => readRaw(p as Any, new Uint8Array(1), 0));
    expectMmError(mem, 'USE_AFTER_FREE', () => pageToPfn(p as Any));
    expectMmError(mem, 'USE_AFTER_FREE', () => pageAddress(p as Any));
  });

  it('stays stale after its pfn is handed out again, while the new owner is untouched', () => {
    const mem = machine();
    const old = allocPage(mem, GFP_KERNEL)!;
    const pfn = pageToPfn(old);
    freePage(old);
    const fresh = allocPage(mem, GFP_KERNEL)!;
    expect(pageToPfn(fresh)).toBe(pfn); // LIFO per-CPU list: same frame
    expectMmError(mem, 'DOUBLE_FREE', () => freePage(old as Any));
    expectMmError(mem, 'USE_AFTER_FREE', () => readRaw(old as Any, new Uint8Array(1), 0));
    freePage(fresh); // the rightful owner still frees normally
    verifyMemory(mem);
  });

  it('stays stale when the frame is reused inside a larger block', () => {
    const mem = machine();
    const old = allocPage(mem, GFP_KERNEL)!;
    freePage(old);
    drainAllPages(mem);
    const big = allocPages(mem, GFP_KERNEL, 10)!; // the old frame is inside it now
    expectMmError(mem, 'DOUBLE_FREE', () => freePage(old as Any));
    freePages(big, 10);
  });

  it('names where the page was freed in the report (page_owner with pageOwnerStacks)', () => {
    const mem = createMemory({ pages: 2048, pageOwnerStacks: true, ...quiet });
    const p = allocPage(mem, GFP_KERNEL)!;
    freePage(p);
    const e = expectMmError(mem, 'DOUBLE_FREE', () => freePage(p as Any));
    expect(e.message).toContain('page last free');
    expect(e.message).toContain('rules.test.ts');
  });

  it('without stacks (the default), the report still says when the page was allocated and freed', () => {
    const mem = machine();
    allocPage(mem, GFP_KERNEL); // clock 1
    const p = allocPage(mem, GFP_KERNEL)!; // clock 2
    const pfn = pageToPfn(p);
    freePage(p); // clock 3
    const e = expectMmError(mem, 'DOUBLE_FREE', () => freePage(p as Any));
    expect(e.message).toContain(`pfn:0x${pfn.toString(16)}`);
    expect(e.message).toContain('page last allocated via order 0, gfp_mask 0xcc0(GFP_KERNEL), comm memdesc, ts 2, free_ts 3');
    expect(e.message).toContain('page last free ts 3');
    expect(e.message).toContain('(no stack: createMemory({ pageOwnerStacks: true }) records one)');
    expect(e.message).not.toContain('rules.test.ts');
  });
});

describe('FOREIGN_HANDLE: handles cannot be forged', () => {
  it('refuses a spread copy', () => {
    const mem = machine();
    const p = allocPage(mem, GFP_KERNEL)!;
    expectMmError(mem, 'FOREIGN_HANDLE', () => freePage({ ...p } as Any));
    expectMmError(mem, 'FOREIGN_HANDLE', () => readRaw({ ...p } as Any, new Uint8Array(1), 0));
    freePage(p);
  });

  it('refuses a hand-made object, one made from the prototype, and non-objects', () => {
    const mem = machine();
    const p = allocPage(mem, GFP_KERNEL)!;
    const proto = Object.getPrototypeOf(p) as object;
    for (const fake of [{ pfn: 0, order: 0 }, Object.create(proto), null, undefined, 0, 'page', Symbol('p')]) {
      expectMmError(mem, 'FOREIGN_HANDLE', () => freePage(fake as Any));
      expectMmError(mem, 'FOREIGN_HANDLE', () => pageToPfn(fake as Any));
    }
    freePage(p);
  });

  it('a handle keeps working only with its own machine', () => {
    const a = machine();
    const b = machine();
    const pa = allocPage(a, GFP_KERNEL)!;
    const pb = allocPage(b, GFP_KERNEL)!;
    // Same pfn on both machines; each handle frees its own machine's page, never the other's.
    expect(pageToPfn(pa)).toBe(pageToPfn(pb));
    const before = snapshot(b);
    freePage(pa);
    expect(snapshot(b)).toEqual(before);
    freePage(pb);
  });
});

describe('BAD_ORDER: free with the order of the allocation', () => {
  it('refuses another order than allocated', () => {
    const mem = machine();
    const p = allocPages(mem, GFP_KERNEL, 2)!;
    const e = expectMmError(mem, 'BAD_ORDER', () => freePages(p as Any, 3));
    expect(e.message).toMatch(/^BUG: Bad page state in process memdesc pfn:0x0 reason: freed with order 3, allocated with order 2/);
    expectMmError(mem, 'BAD_ORDER', () => freePages(p as Any, 0));
    expectMmError(mem, 'BAD_ORDER', () => freePage(p as Any));
    freePages(p, 2);
  });
});

describe('INVALID_ARGUMENT: bad input from plain JS changes nothing', () => {
  it('allocation orders outside 0..10 or not integers', () => {
    const mem = machine();
    for (const order of [11, -1, 1.5, NaN, Infinity, '1', null, undefined, 2 ** 32]) {
      const e = expectMmError(mem, 'INVALID_ARGUMENT', () => allocPages(mem, GFP_KERNEL, order as Any));
      expect(e.message).toContain('order must be an integer in 0..10');
    }
  });

  it('GFP values that are not flags', () => {
    const mem = machine();
    for (const gfp of [-1, 1.5, 0x200, 1 << 30, 'GFP_KERNEL', null, undefined, NaN]) {
      expectMmError(mem, 'INVALID_ARGUMENT', () => allocPages(mem, gfp as Any, 0));
      expectMmError(mem, 'INVALID_ARGUMENT', () => allocPage(mem, gfp as Any));
    }
  });

  it('a context that is not a Memory', () => {
    const mem = machine();
    for (const ctx of [{}, null, undefined, 42, { ...mem }]) {
      expectMmError(mem, 'INVALID_ARGUMENT', () => allocPages(ctx as Any, GFP_KERNEL, 0));
    }
  });

  it('free orders that are not orders', () => {
    const mem = machine();
    const p = allocPages(mem, GFP_KERNEL, 1)!;
    for (const order of [11, -1, 0.5, '1', null]) expectMmError(mem, 'INVALID_ARGUMENT', () => freePages(p as Any, order as Any));
    freePages(p, 1);
  });

  it('machine sizes and options that make no machine', () => {
    const bad: unknown[] = [
      { pages: 0 },
      { pages: -1 },
      { pages: 1.5 },
      { pages: NaN },
      { pages: Infinity },
      { pages: '1024' },
      { pages: 2 ** 40 },
      { bytes: 0 },
      { bytes: 4095 },
      { bytes: -4096 },
      { bytes: 1e300 },
      { bytes: 2 ** 50 },
      { pages: 1024, bytes: 4096 * 1024 },
      { zones: [] },
      { zones: [{ name: 'Highmem2', pages: 1024 }] },
      { zones: [{ name: 'DMA', pages: 0 }] },
      { debug: 'verbose' },
      { comm: '' },
      { comm: 'a-very-long-task-name' },
      { minFreeKbytes: -1 },
      { watermarkScaleFactor: 0 },
      { pcpBatch: 0 },
      { printk: 'stderr' },
      { failPageAlloc: { probability: 2 } },
      null,
      42,
    ];
    for (const o of bad) {
      expect(() => createMemory(o as Any), JSON.stringify(o)).toThrow(MmError);
      try {
        createMemory(o as Any);
      } catch (e) {
        expect((e as MmError).code).toBe('INVALID_ARGUMENT');
      }
    }
  });
});

describe('__GFP_ZERO and page contents across owners', () => {
  it('zeroes with __GFP_ZERO; without it, the last owner’s bytes are still there, as in the kernel', () => {
    const mem = machine();
    const a = allocPage(mem, GFP_KERNEL)!;
    withBytes(a, [1, 2, 3]);
    freePage(a);
    const b = allocPage(mem, GFP_KERNEL)!; // same frame, not zeroed
    expect(read3(b)).toEqual([1, 2, 3]);
    freePage(b);
    const c = allocPage(mem, GFP_KERNEL | __GFP_ZERO)!;
    expect(read3(c)).toEqual([0, 0, 0]);
    freePage(c);
  });

  it('zeroes every allocation with initOnAlloc', () => {
    const mem = createMemory({ pages: 1024, initOnAlloc: true, ...quiet });
    const a = allocPage(mem, GFP_KERNEL)!;
    withBytes(a, [7, 7, 7]);
    freePage(a);
    const b = allocPage(mem, GFP_KERNEL)!;
    expect(read3(b)).toEqual([0, 0, 0]);
    freePage(b);
  });
});

describe('Symbol.dispose: `using` frees at the end of the scope', () => {
  it('frees a live owner and leaves a freed one alone', () => {
    const mem = machine();
    {
      using p = allocPage(mem, GFP_KERNEL);
      using q = allocPages(mem, GFP_KERNEL, 3);
      expect(p).not.toBeNull();
      expect(q).not.toBeNull();
      expect(liveAllocations(mem).length).toBe(2);
    }
    expect(liveAllocations(mem).length).toBe(0);
    {
      using p = allocPage(mem, GFP_KERNEL)!;
      freePage(p); // freed by hand: the scope's end must not free it again
    }
    drainAllPages(mem);
    expect(buddyinfo(mem)).toBe(buddyinfo(machine()));
  });
});

function withBytes(p: Parameters<typeof writeRaw>[0], bytes: number[]): void {
  writeRaw(p, new Uint8Array(bytes), 0);
}
function read3(p: Parameters<typeof readRaw>[0]): number[] {
  const b = new Uint8Array(3);
  readRaw(p, b, 0);
  return Array.from(b);
}
