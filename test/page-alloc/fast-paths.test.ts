/**
 * The page allocator's inline paths do what the general ones do: the carved rmqueue_bulk() leaves
 * the same free lists and memmap as one __rmqueue_smallest() per page, and allocPage/freePage's
 * order-0 fast paths leave the same machine as the general path (which paranoid machines, several
 * zones and fault injection still take).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  createMemory,
  allocPage,
  allocPages,
  freePage,
  freePages,
  failPageAlloc,
  drainAllPages,
  verifyMemory,
  GFP_KERNEL,
  __GFP_ZERO,
  type Memory,
} from '../../src/index.js';
import { rmqueueSmallest } from '../../src/page-alloc/free-area.js';
import { pcpPush, refillPcp } from '../../src/page-alloc/pcp.js';
import { impl, quiet, snapshot } from '../helpers.js';

type Page = NonNullable<ReturnType<typeof allocPages>>;

/** Fragments a machine the same way on each call: allocations of mixed orders, every other one freed. */
function fragment(mem: Memory, seed: number): void {
  let x = seed >>> 0 || 1;
  const rand = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0);
  const held: [Page, number][] = [];
  for (let i = 0; i < 200; i++) {
    const order = rand() % 4;
    const p = allocPages(mem, GFP_KERNEL, order);
    if (p !== null) held.push([p, order]);
  }
  held.forEach(([p, o], i) => {
    if (i % 2 === 0 || rand() % 3 === 0) freePages(p, o);
  });
  drainAllPages(mem);
}

describe('rmqueue_bulk(): carving a block equals one __rmqueue_smallest(zone, 0) per page', () => {
  it('on fragmented free lists, for every batch size', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1 << 20 }), fc.integer({ min: 1, max: 700 }), (seed, batch) => {
        const opts = { pages: 2048, pcpBatch: batch, pcpHigh: batch, ...quiet };
        const a = createMemory(opts);
        const b = createMemory(opts);
        fragment(a, seed);
        fragment(b, seed);
        const ma = impl(a);
        const mb = impl(b);
        // a: the refill as it is; b: the one-page-at-a-time refill it replaces.
        const n = refillPcp(ma, ma.zones[0]!);
        const zb = mb.zones[0]!;
        const taken: number[] = [];
        for (let i = 0; i < batch; i++) {
          const pfn = rmqueueSmallest(mb, zb, 0);
          if (pfn < 0) break;
          taken.push(pfn);
        }
        for (let i = taken.length - 1; i >= 0; i--) pcpPush(mb, zb, taken[i]!);
        if (taken.length > 0) mb.vm[6]!++; // VM_PCP_REFILLS, as refillPcp counts
        expect(n).toBe(taken.length);
        expect(snapshot(a)).toEqual(snapshot(b));
      }),
      { numRuns: 80 },
    );
  });
});

describe('the order-0 fast paths', () => {
  /** Runs the same operations on a fast-path machine and on one that must take the general path. */
  function twin(ops: (mem: Memory) => void): void {
    const fast = createMemory({ pages: 4096, ...quiet });
    const general = createMemory({ pages: 4096, ...quiet });
    // An armed fault injection that never fires sends every call down the general path.
    failPageAlloc(general, { failNth: 1 << 30 });
    expect(impl(fast).fast).toBe(true);
    expect(impl(general).fast).toBe(false);
    ops(fast);
    ops(general);
    const strip = (s: unknown) => ({ ...(s as Record<string, unknown>), fail: undefined });
    expect(strip(snapshot(fast))).toEqual(strip(snapshot(general)));
    expect(impl(fast).pageOwner!.rec).toEqual(impl(general).pageOwner!.rec);
    verifyMemory(fast);
  }

  it('leave the machine as the general path does: refills, drains at high, zeroing, page_owner', () => {
    twin((mem) => {
      const held: NonNullable<ReturnType<typeof allocPage>>[] = [];
      for (let round = 0; round < 3; round++) {
        for (let i = 0; i < 900; i++) held.push(allocPage(mem, i % 7 === 0 ? GFP_KERNEL | __GFP_ZERO : GFP_KERNEL)!);
        while (held.length > (round === 2 ? 0 : 100)) freePage(held.pop()!);
      }
    });
  });

  it('allocPages(…, 0) and freePages(…, 0) take them too', () => {
    twin((mem) => {
      const held = Array.from({ length: 300 }, () => allocPages(mem, GFP_KERNEL, 0)!);
      for (const p of held.reverse()) freePages(p, 0);
    });
  });

  it('fault injection that runs out gives the fast path back', () => {
    const mem = createMemory({ pages: 1024, ...quiet });
    failPageAlloc(mem, { probability: 1, times: 1 });
    expect(impl(mem).fast).toBe(false);
    expect(allocPage(mem, GFP_KERNEL | 0x2000)).toBeNull(); // __GFP_NOWARN
    allocPage(mem, GFP_KERNEL);
    expect(impl(mem).fast).toBe(true);
  });

  it("are off on 'paranoid' machines and on machines with several zones", () => {
    expect(impl(createMemory({ pages: 64, debug: 'paranoid', ...quiet })).fast).toBe(false);
    const zones = [
      { name: 'DMA32', pages: 64 },
      { name: 'Normal', pages: 64 },
    ];
    expect(impl(createMemory({ zones, ...quiet })).fast).toBe(false);
  });
});
