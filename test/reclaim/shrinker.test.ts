import { describe, expect, it } from 'vitest';
import {
  createMemory,
  allocPage,
  freePage,
  shrinkerAlloc,
  shrinkerRegister,
  shrinkerFree,
  reclaimStats,
  verifyMemory,
  checkLeaks,
  memStats,
  MmError,
  GFP_KERNEL,
  GFP_NOFS,
  __GFP_NOWARN,
  SHRINK_STOP,
  SHRINK_EMPTY,
  SHRINK_BATCH,
  DEFAULT_SEEKS,
  DEF_PRIORITY,
  type Memory,
  type Shrinker,
  type ShrinkControl,
} from '../../src/index.js';
import { expectMmError, quiet } from '../helpers.js';
import { ALL_PRIORITIES, fillUntilFail, freeAll, kernelShrinkModel, makePageCache, type Page0 } from './reclaim-helpers.js';

const mem0 = () => createMemory({ pages: 1024, ...quiet });

/** A machine filled to its min watermark with GFP_KERNEL pages while no shrinker was registered. */
function pressured(): { mem: Memory; held: Page0[] } {
  const mem = createMemory({ pages: 1024, ...quiet });
  const held = fillUntilFail(mem);
  expect(held.length).toBeGreaterThan(900);
  expect(memStats(mem).pcpPages).toBe(0); // the failed allocation drained the per-CPU list
  return { mem, held };
}

interface Fake {
  readonly s: Shrinker;
  /** One array per do_shrink_slab() call (countObjects), holding each batch's sc.nrToScan. */
  readonly rounds: number[][];
  readonly gfps: number[];
}

/**
 * A shrinker that reports `freeable` objects and frees nothing (no pages come back), so direct
 * reclaim goes through every priority from DEF_PRIORITY down to 0, once.
 */
function fake(
  mem: Memory,
  freeable: number | (() => number),
  opts: { seeks?: number; batch?: number; scan?: (sc: ShrinkControl) => number; name?: string } = {},
): Fake {
  const s = shrinkerAlloc(mem, 0, opts.name ?? 'fake');
  const rounds: number[][] = [];
  const gfps: number[] = [];
  s.countObjects = (_s, sc) => {
    rounds.push([]);
    gfps.push(sc.gfpMask);
    return typeof freeable === 'function' ? freeable() : freeable;
  };
  s.scanObjects = (_s, sc) => {
    rounds[rounds.length - 1]!.push(sc.nrToScan);
    return opts.scan ? opts.scan(sc) : 0;
  };
  if (opts.seeks !== undefined) s.seeks = opts.seeks;
  if (opts.batch !== undefined) s.batch = opts.batch;
  shrinkerRegister(s);
  return { s, rounds, gfps };
}

/** One GFP_KERNEL allocation that fails at the min watermark: one direct reclaim. */
function reclaimOnce(mem: Memory): void {
  const before = reclaimStats(mem).directReclaims;
  const p = allocPage(mem, GFP_KERNEL | __GFP_NOWARN);
  expect(p).toBeNull();
  expect(reclaimStats(mem).directReclaims).toBe(before + 1);
}

function batches(total: number, batch: number): number[] {
  const out: number[] = [];
  while (total >= batch) {
    out.push(batch);
    total -= batch;
  }
  return out;
}

function finish(mem: Memory, held: Page0[], ...shrinkers: Shrinker[]): void {
  for (const s of shrinkers) shrinkerFree(s);
  freeAll(held);
  verifyMemory(mem);
  checkLeaks(mem);
}

describe('shrinkerAlloc / shrinkerRegister / shrinkerFree', () => {
  it('shrinkerAlloc gives an unregistered shrinker with the kernel defaults', () => {
    const mem = mem0();
    const s = shrinkerAlloc(mem, 0, 'defaults');
    expect(s.name).toBe('defaults');
    expect(s.seeks).toBe(DEFAULT_SEEKS);
    expect(DEFAULT_SEEKS).toBe(2);
    expect(s.batch).toBe(0);
    expect(s.countObjects).toBeNull();
    expect(s.scanObjects).toBeNull();
    expect(reclaimStats(mem).shrinkers).toEqual([]);
    shrinkerFree(s);
  });

  it('registered shrinkers are listed in reclaimStats in registration order, with zero counters', () => {
    const mem = mem0();
    const a = shrinkerAlloc(mem, 0, 'a');
    const b = shrinkerAlloc(mem, 0, 'b');
    for (const s of [b, a]) {
      s.countObjects = () => 0;
      s.scanObjects = () => 0;
      shrinkerRegister(s);
    }
    expect(reclaimStats(mem).shrinkers).toEqual([
      { name: 'b', calls: 0, scanned: 0, freed: 0 },
      { name: 'a', calls: 0, scanned: 0, freed: 0 },
    ]);
    shrinkerFree(b);
    expect(reclaimStats(mem).shrinkers.map((s) => s.name)).toEqual(['a']);
    shrinkerFree(a);
    expect(reclaimStats(mem).shrinkers).toEqual([]);
  });

  it('shrinkers are per machine', () => {
    const m1 = mem0();
    const m2 = mem0();
    const s = shrinkerAlloc(m1, 0, 'one');
    s.countObjects = () => 0;
    s.scanObjects = () => 0;
    shrinkerRegister(s);
    expect(reclaimStats(m1).shrinkers).toHaveLength(1);
    expect(reclaimStats(m2).shrinkers).toHaveLength(0);
    shrinkerFree(s);
  });

  it('shrinkerAlloc validates its arguments: INVALID_ARGUMENT', () => {
    const mem = mem0();
    for (const flags of [-1, 1.5, NaN, 2 ** 32, '0', null, undefined]) {
      expectMmError(mem, 'INVALID_ARGUMENT', () => shrinkerAlloc(mem, flags as unknown as number, 'x'));
    }
    for (const name of ['', 42, null, undefined, {}]) {
      expectMmError(mem, 'INVALID_ARGUMENT', () => shrinkerAlloc(mem, 0, name as unknown as string));
    }
    for (const bad of [{}, null, undefined, 'mem']) {
      expectMmError(mem, 'INVALID_ARGUMENT', () => shrinkerAlloc(bad as unknown as Memory, 0, 'x'));
    }
    expect(shrinkerAlloc(mem, 0xffffffff, 'all-flags').name).toBe('all-flags');
  });

  it('registering without countObjects or scanObjects is INVALID_ARGUMENT and registers nothing', () => {
    const mem = mem0();
    const s = shrinkerAlloc(mem, 0, 'incomplete');
    expectMmError(mem, 'INVALID_ARGUMENT', () => shrinkerRegister(s));
    s.countObjects = () => 0;
    expectMmError(mem, 'INVALID_ARGUMENT', () => shrinkerRegister(s));
    s.countObjects = null;
    s.scanObjects = () => 0;
    expectMmError(mem, 'INVALID_ARGUMENT', () => shrinkerRegister(s));
    s.countObjects = 'count' as unknown as Shrinker['countObjects'];
    expectMmError(mem, 'INVALID_ARGUMENT', () => shrinkerRegister(s));
    expect(reclaimStats(mem).shrinkers).toEqual([]);
    s.countObjects = () => 0;
    shrinkerRegister(s);
    expect(reclaimStats(mem).shrinkers).toHaveLength(1);
    shrinkerFree(s);
  });

  it('a bad seeks or batch is INVALID_ARGUMENT at registration', () => {
    const mem = mem0();
    const s = shrinkerAlloc(mem, 0, 'knobs');
    s.countObjects = () => 0;
    s.scanObjects = () => 0;
    for (const seeks of [-1, 1.5, NaN]) {
      s.seeks = seeks;
      expectMmError(mem, 'INVALID_ARGUMENT', () => shrinkerRegister(s));
    }
    s.seeks = DEFAULT_SEEKS;
    for (const batch of [-1, 0.5, Infinity]) {
      s.batch = batch;
      expectMmError(mem, 'INVALID_ARGUMENT', () => shrinkerRegister(s));
    }
    s.batch = 0;
    expect(reclaimStats(mem).shrinkers).toEqual([]);
    shrinkerFree(s);
  });

  it('registering twice is INVALID_ARGUMENT; the shrinker stays registered once', () => {
    const mem = mem0();
    const s = shrinkerAlloc(mem, 0, 'twice');
    s.countObjects = () => 0;
    s.scanObjects = () => 0;
    shrinkerRegister(s);
    expectMmError(mem, 'INVALID_ARGUMENT', () => shrinkerRegister(s));
    expect(reclaimStats(mem).shrinkers).toHaveLength(1);
    shrinkerFree(s);
  });

  it('shrinkerFree of an unregistered shrinker is fine; freeing twice is DOUBLE_FREE', () => {
    const mem = mem0();
    const never = shrinkerAlloc(mem, 0, 'never-registered');
    shrinkerFree(never);
    expectMmError(mem, 'DOUBLE_FREE', () => shrinkerFree(never));
    const s = shrinkerAlloc(mem, 0, 'registered');
    s.countObjects = () => 0;
    s.scanObjects = () => 0;
    shrinkerRegister(s);
    shrinkerFree(s);
    expect(reclaimStats(mem).shrinkers).toEqual([]);
    const err = expectMmError(mem, 'DOUBLE_FREE', () => shrinkerFree(s));
    expect(err.message).toContain('registered');
  });

  it('registering a freed shrinker is USE_AFTER_FREE', () => {
    const mem = mem0();
    const s = shrinkerAlloc(mem, 0, 'gone');
    s.countObjects = () => 0;
    s.scanObjects = () => 0;
    shrinkerFree(s);
    expectMmError(mem, 'USE_AFTER_FREE', () => shrinkerRegister(s));
    expect(reclaimStats(mem).shrinkers).toEqual([]);
  });

  it('an object that is not a shrinker is FOREIGN_HANDLE', () => {
    const mem = mem0();
    const forged = { name: 'forged', countObjects: () => 0, scanObjects: () => 0, seeks: 2, batch: 0, privateData: null };
    expectMmError(mem, 'FOREIGN_HANDLE', () => shrinkerRegister(forged));
    expectMmError(mem, 'FOREIGN_HANDLE', () => shrinkerFree(forged));
    expectMmError(mem, 'FOREIGN_HANDLE', () => shrinkerRegister(null as unknown as Shrinker));
    expectMmError(mem, 'FOREIGN_HANDLE', () => shrinkerFree(undefined as unknown as Shrinker));
  });

  it('privateData is the shrinker\'s own and reaches the callbacks', () => {
    const { mem, held } = pressured();
    const s = shrinkerAlloc(mem, 0, 'private');
    const seen: unknown[] = [];
    s.privateData = { tag: 'mine' };
    s.countObjects = (self) => (seen.push(self.privateData), 0);
    s.scanObjects = () => 0;
    shrinkerRegister(s);
    reclaimOnce(mem);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((d) => d === s.privateData)).toBe(true);
    finish(mem, held, s);
  });
});

describe('do_shrink_slab: how much a shrinker is asked to scan', () => {
  it('one direct reclaim that frees nothing asks every shrinker at priorities 12 down to 0', () => {
    const { mem, held } = pressured();
    const f = fake(mem, 0);
    reclaimOnce(mem);
    expect(DEF_PRIORITY).toBe(12);
    expect(f.rounds).toHaveLength(DEF_PRIORITY + 1);
    expect(reclaimStats(mem).shrinkers[0]!.calls).toBe(DEF_PRIORITY + 1);
    finish(mem, held, f.s);
  });

  it('shrinkers see the gfp mask of the allocation that reclaims', () => {
    const { mem, held } = pressured();
    const f = fake(mem, 0);
    expect(allocPage(mem, GFP_NOFS | __GFP_NOWARN)).toBeNull();
    expect(new Set(f.gfps)).toEqual(new Set([GFP_NOFS | __GFP_NOWARN]));
    finish(mem, held, f.s);
  });

  const firstCall: [freeable: number, seeks: number, batch: number][] = [
    [1 << 20, 2, 0], //   (256 * 4) / 2 = 512: four default batches of 128
    [1 << 20, 1, 0], //   1024: eight batches
    [1 << 20, 4, 0], //   256: two batches
    [1 << 20, 3, 0], //   1024 / 3 = 341: two batches of 128, 85 left over
    [3 << 18, 2, 100], // 192 * 4 / 2 = 384: three batches of 100, 84 left over
    [1 << 16, 2, 8], //   16 * 4 / 2 = 32: four batches of 8
    [5000, 2, 1], //      (5000 >> 12) = 1 → 2: two batches of 1
    [4095, 2, 1], //      4095 >> 12 = 0: nothing at priority 12
  ];
  for (const [F, S, batch] of firstCall) {
    it(`first call at priority 12 with freeable ${F}, seeks ${S}, batch ${batch || 'default'} scans (F >> 12) * 4 / S`, () => {
      const { mem, held } = pressured();
      const f = fake(mem, F, { seeks: S, batch });
      reclaimOnce(mem);
      const delta = Math.floor(((F >> DEF_PRIORITY) * 4) / S);
      const expected = batches(delta, batch || SHRINK_BATCH);
      expect(f.rounds[0]).toEqual(expected);
      expect(f.rounds[0]).toEqual(kernelShrinkModel(F, S, batch, [DEF_PRIORITY]).rounds[0]);
      finish(mem, held, f.s);
    });
  }

  it('the default batch is SHRINK_BATCH (128)', () => {
    expect(SHRINK_BATCH).toBe(128);
  });

  it('reclaimStats counts calls, objects scanned and objects freed per shrinker', () => {
    const { mem, held } = pressured();
    // Claims to free half of what it scans (no pages come back: the objects are not pages).
    const f = fake(mem, 1 << 20, { scan: (sc) => sc.nrToScan >> 1 });
    reclaimOnce(mem);
    const scanned = f.rounds.flat().reduce((a, b) => a + b, 0);
    const st = reclaimStats(mem).shrinkers[0]!;
    expect(st.calls).toBe(f.rounds.length);
    expect(st.scanned).toBe(scanned);
    expect(st.freed).toBe(scanned >> 1);
    expect(f.rounds[0]).toEqual([128, 128, 128, 128]);
    finish(mem, held, f.s);
  });

  it('a shrinker that lowers sc.nrScanned is charged only what it scanned', () => {
    const { mem, held } = pressured();
    const f = fake(mem, 1 << 20, {
      scan: (sc) => {
        sc.nrScanned = 32;
        return 0;
      },
    });
    reclaimOnce(mem);
    // 512 to scan, 32 charged per call: calls while at least a batch (128) is left, 512 → 128.
    expect(f.rounds[0]).toEqual(Array.from({ length: 13 }, () => 128));
    expect(reclaimStats(mem).shrinkers[0]!.scanned).toBe(f.rounds.flat().length * 32);
    finish(mem, held, f.s);
  });

  it('SHRINK_STOP ends the batches of that call, and its batch is not counted as scanned', () => {
    const { mem, held } = pressured();
    const f = fake(mem, 1 << 20, { scan: () => SHRINK_STOP });
    reclaimOnce(mem);
    expect(f.rounds[0]).toEqual([128]); // 512 were due
    for (const r of f.rounds) expect(r.length).toBeLessThanOrEqual(1);
    expect(reclaimStats(mem).shrinkers[0]!.scanned).toBe(0);
    expect(reclaimStats(mem).shrinkers[0]!.freed).toBe(0);
    finish(mem, held, f.s);
  });

  it('SHRINK_STOP after some batches keeps what those batches did', () => {
    const { mem, held } = pressured();
    let n = 0;
    const f = fake(mem, 1 << 20, { scan: () => (++n === 3 ? SHRINK_STOP : 5) });
    reclaimOnce(mem);
    expect(f.rounds[0]).toEqual([128, 128, 128]);
    const st = reclaimStats(mem).shrinkers[0]!;
    expect(st.freed).toBeGreaterThanOrEqual(10);
    finish(mem, held, f.s);
  });

  for (const [what, count] of [
    ['SHRINK_EMPTY', SHRINK_EMPTY],
    ['0', 0],
  ] as const) {
    it(`countObjects returning ${what} means no scan at any priority`, () => {
      const { mem, held } = pressured();
      const f = fake(mem, count);
      reclaimOnce(mem);
      expect(f.rounds).toHaveLength(DEF_PRIORITY + 1);
      expect(f.rounds.flat()).toEqual([]);
      const st = reclaimStats(mem).shrinkers[0]!;
      expect(st).toMatchObject({ calls: DEF_PRIORITY + 1, scanned: 0, freed: 0 });
      finish(mem, held, f.s);
    });
  }

  it('seeks = 0 asks for half of what can be freed, whatever the priority', () => {
    const { mem, held } = pressured();
    const f = fake(mem, 1024, { seeks: 0 });
    reclaimOnce(mem);
    expect(f.rounds[0]).toEqual([128, 128, 128, 128]);
    expect(f.rounds[0]).toEqual(kernelShrinkModel(1024, 0, 0, [12]).rounds[0]);
    finish(mem, held, f.s);
  });

  it('a small cache is scanned whole once the work due reaches its size (total_scan >= freeable)', () => {
    const { mem, held } = pressured();
    // 40 objects, seeks 2: nothing until the work due reaches 40, then one batch of 40 or more.
    const f = fake(mem, 40);
    reclaimOnce(mem);
    const firstScan = f.rounds.findIndex((r) => r.length > 0);
    expect(firstScan).toBeGreaterThan(0);
    expect(f.rounds[firstScan]![0]).toBeGreaterThanOrEqual(40);
    expect(f.rounds[firstScan]![0]).toBeLessThanOrEqual(80); // at most twice what it holds
    finish(mem, held, f.s);
  });

  it('work that was too small for a batch is deferred to the next call (nr_deferred)', () => {
    const { mem, held } = pressured();
    // freeable 1000, seeks 2: delta at priority 4 is (1000 >> 4) * 4 / 2 = 124 < 128, so without
    // deferral nothing would be scanned before priority 3. The deferred 114 (kernel) / 115 make
    // priority 4's total_scan 131: one batch of 128.
    const f = fake(mem, 1000);
    reclaimOnce(mem);
    const model = kernelShrinkModel(1000, 2, 0, ALL_PRIORITIES);
    expect(f.rounds.slice(0, 8)).toEqual(model.rounds.slice(0, 8));
    expect(f.rounds.slice(0, 8).flat()).toEqual([]);
    expect(f.rounds[8]).toEqual([128]); // priority 4
    finish(mem, held, f.s);
  });

  it('deferred work carries across separate reclaims', () => {
    const { mem, held } = pressured();
    // Only two calls see objects: the last of the first reclaim (priority 0) and the first of the
    // second (priority 12). At priority 0, 65536 objects owe 2 * 65536; SHRINK_STOP defers it all.
    // At priority 12 the new work is (65536 >> 12) * 4 / 2 = 32, less than a batch of 64: only the
    // carried work (131072 >> 12 = 32) makes it a batch.
    let call = 0;
    const f = fake(mem, () => (++call === DEF_PRIORITY + 1 || call === DEF_PRIORITY + 2 ? 1 << 16 : 0), {
      batch: 64,
      scan: () => SHRINK_STOP,
    });
    reclaimOnce(mem);
    expect(f.rounds.slice(0, DEF_PRIORITY)).toEqual(Array.from({ length: DEF_PRIORITY }, () => []));
    expect(f.rounds[DEF_PRIORITY]).toEqual([64]);
    reclaimOnce(mem);
    expect(Math.floor(((1 << 16) >> DEF_PRIORITY) * 4 / 2)).toBe(32); // alone, no batch
    expect(f.rounds[DEF_PRIORITY + 1]).toEqual([64]);
    finish(mem, held, f.s);
  });

  it('the batches of a whole direct reclaim follow the kernel nr_deferred arithmetic', () => {
    const { mem, held } = pressured();
    const f = fake(mem, 1000);
    reclaimOnce(mem);
    try {
      expect(f.rounds).toEqual(kernelShrinkModel(1000, 2, 0, ALL_PRIORITIES).rounds);
    } finally {
      finish(mem, held, f.s);
    }
  });

  it('after SHRINK_STOP the work owed follows the kernel nr_deferred arithmetic', () => {
    const { mem, held } = pressured();
    const f = fake(mem, 50, { scan: () => SHRINK_STOP });
    reclaimOnce(mem);
    try {
      expect(f.rounds).toEqual(kernelShrinkModel(50, 2, 0, ALL_PRIORITIES, () => 'stop').rounds);
    } finally {
      finish(mem, held, f.s);
    }
  });

  it('every shrinker is asked, in registration order', () => {
    const { mem, held } = pressured();
    const order: string[] = [];
    const mk = (name: string) => {
      const s = shrinkerAlloc(mem, 0, name);
      s.countObjects = () => (order.push(name), 0);
      s.scanObjects = () => 0;
      shrinkerRegister(s);
      return s;
    };
    const a = mk('a');
    const b = mk('b');
    reclaimOnce(mem);
    expect(order.slice(0, 4)).toEqual(['a', 'b', 'a', 'b']);
    expect(order).toHaveLength(2 * (DEF_PRIORITY + 1));
    finish(mem, held, a, b);
  });

  it('a shrinker freed from inside another shrinker\'s callback is not called again', () => {
    const { mem, held } = pressured();
    let victimCalls = 0;
    const victim = shrinkerAlloc(mem, 0, 'victim');
    victim.countObjects = () => (victimCalls++, 0);
    victim.scanObjects = () => 0;
    const killer = shrinkerAlloc(mem, 0, 'killer');
    let killed = false;
    killer.countObjects = () => {
      if (!killed) {
        killed = true;
        shrinkerFree(victim);
      }
      return 0;
    };
    killer.scanObjects = () => 0;
    shrinkerRegister(killer);
    shrinkerRegister(victim);
    reclaimOnce(mem);
    expect(victimCalls).toBe(0);
    finish(mem, held, killer);
  });
});

describe('do_shrink_slab: misuse from the callbacks', () => {
  it('scanObjects returning a negative count other than SHRINK_STOP is INVALID_ARGUMENT', () => {
    for (const bad of [-2, -5, -1000, NaN]) {
      const { mem, held } = pressured();
      const f = fake(mem, 1 << 20, { scan: () => bad });
      const live = memStats(mem).liveAllocations;
      let caught: unknown;
      try {
        allocPage(mem, GFP_KERNEL | __GFP_NOWARN);
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(MmError);
      expect((caught as MmError).code).toBe('INVALID_ARGUMENT');
      expect(f.rounds[0]).toEqual([128]); // the first batch's answer was refused
      expect(memStats(mem).liveAllocations).toBe(live); // no page was handed out
      verifyMemory(mem);
      // The machine is not left inside reclaim: a well-behaved shrinker is asked again next time.
      shrinkerFree(f.s);
      const cache = makePageCache(mem, 0);
      const freeable = fake(mem, 0);
      reclaimOnce(mem);
      expect(freeable.rounds).toHaveLength(DEF_PRIORITY + 1);
      expect(cache.counts).toBe(DEF_PRIORITY + 1);
      cache.destroy();
      finish(mem, held, freeable.s);
    }
  });

  it('scanObjects returning a non-integer count is INVALID_ARGUMENT', () => {
    const { mem, held } = pressured();
    const f = fake(mem, 1 << 20, { scan: () => '5' as unknown as number });
    let caught: unknown;
    try {
      allocPage(mem, GFP_KERNEL | __GFP_NOWARN);
    } catch (e) {
      caught = e;
    }
    const freed = reclaimStats(mem).shrinkers[0]!.freed;
    finish(mem, held, f.s);
    expect(typeof freed).toBe('number');
    expect((caught as MmError | undefined)?.code).toBe('INVALID_ARGUMENT');
  });

  it('a page allocated and freed by a shrinker does not upset the accounting', () => {
    const { mem, held } = pressured();
    const f = fake(mem, 1 << 20, {
      scan: () => {
        const p = allocPage(mem, GFP_KERNEL | __GFP_NOWARN);
        if (p) freePage(p);
        return 0;
      },
    });
    reclaimOnce(mem);
    verifyMemory(mem);
    finish(mem, held, f.s);
  });
});
