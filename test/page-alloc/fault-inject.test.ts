import { describe, expect, it } from 'vitest';
import {
  createMemory,
  allocPage,
  allocPages,
  freePage,
  freePages,
  failPageAlloc,
  failPageAllocInjected,
  dmesg,
  GFP_KERNEL,
  GFP_ATOMIC,
  __GFP_NOFAIL,
  __GFP_NOWARN,
  type Memory,
} from '../../src/index.js';
import { expectMmError, quiet } from '../helpers.js';

function pattern(mem: Memory, n: number, order = 0, gfp = GFP_KERNEL | __GFP_NOWARN): boolean[] {
  const out: boolean[] = [];
  for (let i = 0; i < n; i++) {
    const p = allocPages(mem, gfp, order);
    out.push(p !== null);
    if (p) freePages(p, order);
  }
  return out;
}

describe('fail_page_alloc', () => {
  it('fails exactly the Nth allocation, once', () => {
    const mem = createMemory({ pages: 1024, failPageAlloc: { failNth: 3 }, ...quiet });
    expect(pattern(mem, 6)).toEqual([true, true, false, true, true, true]);
    expect(failPageAllocInjected(mem)).toBe(1);
  });

  it('fails a seeded share of allocations, the same ones for the same seed', () => {
    const run = (seed: number) => {
      const mem = createMemory({ pages: 1024, failPageAlloc: { probability: 0.3, seed }, ...quiet });
      return pattern(mem, 400);
    };
    const a = run(7);
    expect(run(7)).toEqual(a);
    expect(run(8)).not.toEqual(a);
    const failed = a.filter((ok) => !ok).length;
    expect(failed).toBeGreaterThan(80);
    expect(failed).toBeLessThan(160);
  });

  it('fails only at or above min-order', () => {
    const mem = createMemory({ pages: 1024, failPageAlloc: { probability: 1, minOrder: 2 }, ...quiet });
    expect(pattern(mem, 3, 1)).toEqual([true, true, true]);
    expect(pattern(mem, 3, 2)).toEqual([false, false, false]);
  });

  it('honours times, interval, __GFP_NOFAIL and ignore-gfp-wait', () => {
    const mem = createMemory({ pages: 1024, ...quiet });
    failPageAlloc(mem, { probability: 1, times: 2 });
    expect(pattern(mem, 4)).toEqual([false, false, true, true]);
    failPageAlloc(mem, { probability: 1, interval: 3 });
    expect(pattern(mem, 6)).toEqual([true, true, false, true, true, false]);
    failPageAlloc(mem, { probability: 1 });
    expect(pattern(mem, 2, 0, GFP_KERNEL | __GFP_NOFAIL)).toEqual([true, true]);
    failPageAlloc(mem, { probability: 1, ignoreGfpReclaim: true });
    expect(pattern(mem, 2, 0, GFP_KERNEL)).toEqual([true, true]);
    expect(pattern(mem, 2, 0, GFP_ATOMIC | __GFP_NOWARN)).toEqual([false, false]);
    failPageAlloc(mem, {});
    expect(pattern(mem, 3)).toEqual([true, true, true]);
  });

  it('logs the forced failure like the kernel, unless __GFP_NOWARN', () => {
    const mem = createMemory({ pages: 1024, failPageAlloc: { failNth: 1 }, ...quiet });
    expect(allocPage(mem, GFP_KERNEL)).toBeNull();
    expect(dmesg(mem).slice(0, 2)).toEqual([
      'FAULT_INJECTION: forcing a failure.',
      'memdesc: page allocation failure: order:0, mode:0xcc0(GFP_KERNEL), nodemask=(null)',
    ]);
  });

  it('a bad setting changes nothing (the previous one stays)', () => {
    const mem = createMemory({ pages: 1024, failPageAlloc: { failNth: 2 }, ...quiet });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    for (const bad of [{ probability: -0.1 }, { failNth: 1.5 }, { minOrder: 11 }, { interval: 0 }, { times: -2 }, null] as any[]) {
      expectMmError(mem, 'INVALID_ARGUMENT', () => failPageAlloc(mem, bad));
    }
    expect(pattern(mem, 3)).toEqual([true, false, true]);
  });

  it('an invalid allocation does not consume the Nth-failure countdown', () => {
    const mem = createMemory({ pages: 1024, failPageAlloc: { failNth: 1 }, ...quiet });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    expectMmError(mem, 'INVALID_ARGUMENT', () => allocPages(mem, GFP_KERNEL, 11 as any));
    expect(allocPage(mem, GFP_KERNEL | __GFP_NOWARN)).toBeNull();
    const p = allocPage(mem, GFP_KERNEL)!;
    freePage(p);
  });
});
