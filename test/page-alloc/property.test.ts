/**
 * Property tests: random sequences of allocations and frees across all orders and GFP modes keep
 * every invariant of the buddy allocator. `npm test` runs at least 10^5 operations;
 * `npm run test:long` (MEMDESC_LONG=1) at least 10^6.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  createMemory,
  allocPages,
  freePages,
  drainAllPages,
  buddyinfo,
  verifyMemory,
  liveAllocations,
  pageToPfn,
  writeRaw,
  readRaw,
  GFP_KERNEL,
  GFP_ATOMIC,
  GFP_NOWAIT,
  __GFP_COMP,
  __GFP_ZERO,
  __GFP_NOWARN,
  type Memory,
  type Owned,
  type Page,
} from '../../src/index.js';

const LONG = process.env.MEMDESC_LONG === '1';
const TARGET_OPS = LONG ? 1_000_000 : 100_000;

type Op =
  | { t: 'alloc'; order: number; gfp: number }
  | { t: 'free'; at: number }
  | { t: 'write'; at: number; byte: number }
  | { t: 'drain' };

const GFPS = [GFP_KERNEL, GFP_ATOMIC, GFP_NOWAIT, GFP_KERNEL | __GFP_COMP, GFP_KERNEL | __GFP_ZERO, GFP_ATOMIC | __GFP_ZERO];

// Small orders are common, large ones rare, as in a real kernel; all eleven appear.
const orderArb = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 0, max: 3 }) },
  { weight: 2, arbitrary: fc.integer({ min: 4, max: 7 }) },
  { weight: 1, arbitrary: fc.integer({ min: 8, max: 10 }) },
);

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 10, arbitrary: fc.record({ t: fc.constant('alloc' as const), order: orderArb, gfp: fc.constantFrom(...GFPS) }) },
  { weight: 9, arbitrary: fc.record({ t: fc.constant('free' as const), at: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('write' as const), at: fc.nat(), byte: fc.integer({ min: 1, max: 255 }) }) },
  { weight: 1, arbitrary: fc.constant({ t: 'drain' as const }) },
);

interface Live {
  page: Owned<Page>;
  pfn: number;
  order: number;
  byte: number;
}

let opsRun = 0;

/** Runs one sequence against a fresh machine, checking invariants as it goes. */
function runSequence(ops: readonly Op[], zones: boolean): void {
  const mem: Memory = zones
    ? createMemory({ zones: [{ name: 'DMA', pages: 1024 }, { name: 'DMA32', pages: 1536 }], debug: 'fast', printk: null })
    : createMemory({ pages: 2048, debug: 'fast', printk: null });
  const initial = buddyinfo(mem);
  const owner = new Int32Array(mem.nrPages).fill(-1); // model: which live block covers each pfn
  const live: Live[] = [];
  let id = 0;
  const ids: number[] = [];
  ops.forEach((op, i) => {
    opsRun++;
    if (op.t === 'alloc') {
      const p = allocPages(mem, op.gfp | __GFP_NOWARN, op.order);
      if (p !== null) {
        const pfn = pageToPfn(p);
        // Plain checks in the hot loop: expect() per pfn would dominate the run time.
        if (pfn % (1 << op.order) !== 0) throw new Error(`block ${pfn} of order ${op.order} is misaligned`);
        for (let q = pfn; q < pfn + (1 << op.order); q++) {
          if (owner[q] !== -1) throw new Error(`pfn ${q} handed out twice`);
          owner[q] = id;
        }
        if (op.gfp & __GFP_ZERO) {
          const b = new Uint8Array(8);
          readRaw(p, b, 0);
          if (!b.every((x) => x === 0)) throw new Error(`__GFP_ZERO block ${pfn} is not zeroed`);
        }
        live.push({ page: p, pfn, order: op.order, byte: 0 });
        ids.push(id++);
      }
    } else if (op.t === 'free' && live.length > 0) {
      const k = op.at % live.length;
      const l = live[k]!;
      if (l.byte !== 0) {
        const b = new Uint8Array(1);
        readRaw(l.page, b, 0);
        if (b[0] !== l.byte) throw new Error(`contents of ${l.pfn} changed while it was owned`);
      }
      freePages(l.page, l.order);
      owner.fill(-1, l.pfn, l.pfn + (1 << l.order));
      live.splice(k, 1);
      ids.splice(k, 1);
    } else if (op.t === 'write' && live.length > 0) {
      const l = live[op.at % live.length]!;
      writeRaw(l.page, new Uint8Array([op.byte]), 0);
      l.byte = op.byte;
    } else if (op.t === 'drain') {
      drainAllPages(mem);
    }
    if (i % 128 === 127) verifyMemory(mem);
  });
  verifyMemory(mem);
  // The allocator's own view of what is live is the model's.
  expect(liveAllocations(mem).map((a) => [a.pfn, a.order])).toEqual(
    live.map((l) => [l.pfn, l.order]).sort((a, b) => a[0]! - b[0]!),
  );
  // Free everything, drain: full coalescing back to the initial buddyinfo.
  for (const l of live) freePages(l.page, l.order);
  drainAllPages(mem);
  verifyMemory(mem);
  expect(buddyinfo(mem)).toBe(initial);
}

describe('buddy allocator properties (fast-check)', () => {
  const perRun = 1000;
  const runs = Math.ceil(TARGET_OPS / perRun);

  it(`keeps every invariant over ${TARGET_OPS} random operations (one zone)`, () => {
    opsRun = 0;
    fc.assert(
      fc.property(fc.array(opArb, { minLength: perRun, maxLength: perRun }), (ops) => runSequence(ops, false)),
      { numRuns: runs },
    );
    expect(opsRun).toBeGreaterThanOrEqual(TARGET_OPS);
  });

  it('keeps every invariant across two zones with fallback', () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 200, maxLength: 600 }), (ops) => runSequence(ops, true)),
      { numRuns: LONG ? 500 : 40 },
    );
  });
});
