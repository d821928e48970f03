/**
 * replayTrace on synthetic traces: correct traffic gives no finding; each kind of bug injected is
 * found exactly once, certain, with the lines that prove it; and the rules that make a finding
 * uncertain (gaps a real kernel's trace has) each apply.
 */
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { MmError } from '../../src/index.js';
import { TRACE_FINDING_KINDS, TRACE_MAP_CODES, replayTrace, type ReplayTraceOptions, type TraceFindingKind, type TraceReplay } from '../../src/trace/index.js';
import { TraceBuilder, cleanTraffic } from './synth.js';

const replay = (b: TraceBuilder | string, options: ReplayTraceOptions = {}) => replayTrace(Readable.from([typeof b === 'string' ? b : b.text()]), options);

function counts(r: TraceReplay): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of TRACE_FINDING_KINDS) {
    const c = r.findingCounts[k];
    if (c.certain + c.uncertain > 0) out[k] = `${c.certain}/${c.uncertain}`;
  }
  return out;
}

const only = (r: TraceReplay, kind: TraceFindingKind) => {
  const fs = r.findings.filter((f) => f.kind === kind);
  expect(fs, JSON.stringify(r.findings, null, 1)).toHaveLength(1);
  return fs[0]!;
};

const COMP = 'GFP_KERNEL|__GFP_COMP'; // compound, not movable: nothing may split it

describe('replayTrace: correct traffic', () => {
  it('alloc/free traffic with batched frees and pcp drains on two CPUs gives no finding and no leak', async () => {
    const b = new TraceBuilder();
    cleanTraffic(b, 5000, 1);
    const r = await replay(b);
    expect(counts(r)).toEqual({});
    expect(r.certainBugs).toBe(0);
    expect(r.liveAtEnd).toBe(0);
    expect(r.livePagesAtEnd).toBe(0);
    expect(r.unparsed.count).toBe(0);
    expect(r.checks.batchedUnmatched).toBe(0);
    expect(r.checks.batchedMatched).toBe(r.replayed.batched);
    expect(r.checks.drainsOfLive).toBe(0);
    expect(r.view.pagesAllocated).toBe(r.view.pagesFreed);
    expect(r.trace.cpus).toEqual([0, 1]);
  });

  it('mm_page_free_batched is the same free as the mm_page_free before it, and a drain is not a free', async () => {
    const b = new TraceBuilder();
    b.alloc(0x100);
    b.free(0x100);
    b.batched(0x100);
    b.drain(0x100);
    b.alloc(0x100);
    b.free(0x100);
    b.batched(0x100);
    const r = await replay(b);
    expect(counts(r)).toEqual({});
    expect(r.events).toEqual({ mm_page_alloc: 2, mm_page_free: 2, mm_page_free_batched: 2, mm_page_pcpu_drain: 1 });
    expect(r.replayed).toEqual({ allocs: 2, failedAllocs: 0, frees: 2, batched: 2, drains: 1 });
    expect([r.checks.batchedMatched, r.checks.batchedUnmatched]).toEqual([2, 0]);
  });
});

describe('replayTrace: each bug injected into correct traffic is found exactly once, certain', () => {
  it('double-free, wrong-order, tail-free and overlap, among 4000 correct operations', async () => {
    const b = new TraceBuilder();
    cleanTraffic(b, 1500, 7, 0x10000);
    // Bugs on pfns outside the traffic's range (0x10000..0x10fff).
    const dfA = b.alloc(0x20000, 1, COMP, { task: 'bad-1' });
    const dfF1 = b.free(0x20000, 1, { task: 'bad-1' });
    cleanTraffic(b, 500, 8, 0x10000);
    const dfF2 = b.free(0x20000, 1, { task: 'bad-2' });
    const woA = b.alloc(0x20010, 0, COMP);
    const woF = b.free(0x20010, 2); // freed with a larger order than allocated
    const tfA = b.alloc(0x20020, 2, COMP);
    const tfF = b.free(0x20021, 0); // a tail page of a compound allocation
    const ovA = b.alloc(0x20030, 0, 'GFP_KERNEL');
    cleanTraffic(b, 500, 9, 0x10000);
    const ovB = b.alloc(0x20030, 0, 'GFP_KERNEL'); // over a live allocation
    b.free(0x20030, 0);
    cleanTraffic(b, 1500, 10, 0x10000);
    const r = await replay(b);
    expect(counts(r)).toEqual({ 'double-free': '1/0', 'wrong-order': '1/0', 'tail-free': '1/0', overlap: '1/0' });
    expect(r.certainBugs).toBe(4);
    const df = only(r, 'double-free');
    expect([df.certain, df.pfn, df.order, df.lines, df.task, df.because]).toEqual([true, 0x20000, 1, [dfA, dfF1, dfF2], 'bad-2', []]);
    expect(df.message).toContain(`freed at line ${dfF1}`);
    const wo = only(r, 'wrong-order');
    expect([wo.certain, wo.pfn, wo.order, wo.lines, wo.other?.order]).toEqual([true, 0x20010, 2, [woA, woF], 0]);
    expect(wo.message).toContain('freed with order 2');
    const tf = only(r, 'tail-free');
    expect([tf.certain, tf.pfn, tf.order, tf.lines, tf.other?.pfn]).toEqual([true, 0x20021, 0, [tfA, tfF], 0x20020]);
    const ov = only(r, 'overlap');
    expect([ov.certain, ov.pfn, ov.lines, ov.other?.line]).toEqual([true, 0x20030, [ovA, ovB], ovA]);
    // What stays live: the 3 pages of the compound block whose tail was freed (carved into pieces).
    expect(r.live.map((a) => [a.pfn, a.order, a.line])).toEqual([
      [0x20020, 0, tfA],
      [0x20022, 1, tfA],
    ]);
  });

  it('a free with a smaller order at the head of a compound non-movable block is a certain wrong-order', async () => {
    const b = new TraceBuilder();
    const a = b.alloc(0x400, 2, COMP);
    const f = b.free(0x400, 1);
    const r = await replay(b);
    const wo = only(r, 'wrong-order');
    expect([wo.certain, wo.lines]).toEqual([true, [a, f]]);
    expect(r.live.map((x) => [x.pfn, x.order])).toEqual([[0x402, 1]]);
  });

  it('an allocation overlapping the tail of a live block', async () => {
    const b = new TraceBuilder();
    b.alloc(0x800, 3, COMP);
    b.alloc(0x804, 0, 'GFP_KERNEL');
    const r = await replay(b);
    expect(only(r, 'overlap').certain).toBe(true);
    expect(r.live.map((x) => [x.pfn, x.order])).toEqual([[0x804, 0]]); // the displaced block is no longer live
  });
});

describe('replayTrace: when a finding is uncertain', () => {
  it('order-0 double free: alloc_pages_bulk could have reallocated it (kernel model); certain in the strict model', async () => {
    const b = new TraceBuilder();
    const a = b.alloc(0x100, 0);
    const f1 = b.free(0x100, 0);
    const f2 = b.free(0x100, 0, { task: 'kworker/0:2-50' });
    const k = only(await replay(b), 'double-free');
    expect([k.certain, k.because, k.lines]).toEqual([false, ['order-0-untraced-alloc'], [a, f1, f2]]);
    const s = await replay(b, { model: 'strict' });
    expect([only(s, 'double-free').certain, s.certainBugs]).toEqual([true, 1]);
  });

  it('double free across a pcp drain: the page went back to the buddy lists', async () => {
    const b = new TraceBuilder();
    const a = b.alloc(0x100, 1, COMP);
    const f1 = b.free(0x100, 1);
    const d = b.drain(0x100, 1);
    const f2 = b.free(0x100, 1);
    const df = only(await replay(b), 'double-free');
    expect([df.certain, df.because, df.lines]).toEqual([false, ['returned-to-buddy'], [a, f1, d, f2]]);
    expect(only(await replay(b, { model: 'strict' }), 'double-free').certain).toBe(true);
  });

  it('double free of a block above PAGE_ALLOC_COSTLY_ORDER: freed straight to the buddy lists, no drain needed', async () => {
    const b = new TraceBuilder();
    b.alloc(0x1000, 4, COMP);
    b.free(0x1000, 4);
    b.free(0x1000, 4);
    expect(only(await replay(b), 'double-free').because).toEqual(['returned-to-buddy']);
    expect(only(await replay(b, { model: 'strict' }), 'double-free').certain).toBe(true);
  });

  it('a compound block of user memory (GFP_USER family: __GFP_HARDWALL) may be split; one of kernel memory may not', async () => {
    const tail = async (gfp: string) => {
      const b = new TraceBuilder();
      b.alloc(0x200, 2, gfp);
      b.free(0x202, 1);
      return only(await replay(b), 'tail-free');
    };
    expect((await tail('GFP_USER|__GFP_COMP')).because).toEqual(['split']); // e.g. a block-device page-cache folio
    expect((await tail('GFP_HIGHUSER_MOVABLE|__GFP_COMP')).because).toEqual(['split']);
    expect((await tail('GFP_KERNEL|__GFP_COMP')).certain).toBe(true); // kmalloc_large, slab
    expect((await tail('GFP_ATOMIC|__GFP_NOWARN|__GFP_NORETRY|__GFP_COMP|__GFP_NOMEMALLOC')).certain).toBe(true); // page_frag
  });

  it('double free of another block than the first free named: reuse after a split', async () => {
    const b = new TraceBuilder();
    b.alloc(0x100, 1, COMP);
    b.free(0x100, 1);
    b.free(0x101, 0);
    const df = only(await replay(b), 'double-free');
    expect(df.because).toEqual(['order-0-untraced-alloc', 'different-block']);
    expect(df.other).toMatchObject({ pfn: 0x100, order: 1 });
  });

  it('a page never seen allocated: its first free is a pre-trace-free, its second an uncertain double free', async () => {
    const b = new TraceBuilder();
    const f1 = b.free(0x100, 1);
    const f2 = b.free(0x100, 1);
    const r = await replay(b);
    expect(counts(r)).toEqual({ 'pre-trace-free': '0/1', 'double-free': '0/1' });
    const p = only(r, 'pre-trace-free');
    expect([p.lines, p.because]).toEqual([[f1], ['allocation-not-in-trace']]);
    expect(only(r, 'double-free').because).toEqual(['not-allocated-in-trace']);
    expect(r.certainBugs).toBe(0);
    // Strict: the page was allocated before the trace (certain information), then freed twice.
    const s = await replay(b, { model: 'strict' });
    expect(counts(s)).toEqual({ 'pre-trace-free': '1/0', 'double-free': '1/0' });
    expect(s.certainBugs).toBe(1);
    expect(only(s, 'double-free').lines).toEqual([f1, f2]);
  });

  it('a page seen free (drained) and then freed: a pre-trace-free that names the drain', async () => {
    const b = new TraceBuilder();
    const d = b.drain(0x100);
    const f = b.free(0x100);
    const p = only(await replay(b), 'pre-trace-free');
    expect(p.lines).toEqual([d, f]);
  });

  it('tail free and smaller-order free of a block that split_page()/split_folio() could split', async () => {
    for (const gfp of ['GFP_KERNEL', 'GFP_HIGHUSER_MOVABLE|__GFP_COMP', 'GFP_WHATEVER']) {
      const b = new TraceBuilder();
      b.alloc(0x200, 2, gfp);
      b.free(0x201, 0); // a tail page: the block is now known split, into 0x200 (0) and 0x202 (1)
      b.free(0x200, 0); // exactly a piece: no finding
      b.free(0x202, 0); // the head of the order-1 piece with order 0
      b.free(0x203, 0);
      const r = await replay(b);
      expect(counts(r), gfp).toEqual({ 'tail-free': '0/1', 'wrong-order': '0/1' });
      expect(r.findings.every((f) => f.because.join() === 'split')).toBe(true);
      expect(r.liveAtEnd).toBe(0); // the pieces were all freed
      const s = await replay(b, { model: 'strict' });
      expect(counts(s), gfp).toEqual({ 'tail-free': '1/0', 'wrong-order': '1/0' });
    }
  });

  it('a free of an unaligned block inside an allocation is certain even when splittable', async () => {
    const b = new TraceBuilder();
    b.alloc(0x200, 2, 'GFP_KERNEL');
    b.free(0x201, 1); // 0x201 is not a multiple of 2: no split produces this block
    expect(only(await replay(b), 'tail-free').certain).toBe(true);
  });

  it('lines of two CPUs within the clock skew, in the other order: an overlap explained by reordering', async () => {
    const b = new TraceBuilder();
    const a0 = b.alloc(0x300, 0, 'GFP_KERNEL', { cpu: 0, ts: 2 });
    const a1 = b.alloc(0x300, 0, 'GFP_KERNEL', { cpu: 1, ts: 3 });
    b.free(0x300, 0, { cpu: 0, ts: 3.00001 }); // a0's free, 10 µs later on the other CPU
    b.free(0x300, 0, { cpu: 1, ts: 4 }); // a1's free
    const r = await replay(b);
    const ov = only(r, 'overlap');
    expect([ov.certain, ov.because, ov.lines]).toEqual([false, ['cpu-reorder'], [a0, a1]]);
    expect(counts(r)).toEqual({ overlap: '0/1' });
    expect(r.liveAtEnd).toBe(0);
    // Beyond the skew the same lines are a certain overlap, and the late free is a2's.
    const wide = await replay(b, { cpuClockSkew: 0 });
    expect(only(wide, 'overlap').certain).toBe(true);
  });

  it('lines of two CPUs within the skew: a double free explained by reordering (the allocation came first)', async () => {
    const b = new TraceBuilder();
    b.alloc(0x300, 1, COMP, { cpu: 0, ts: 2 });
    b.free(0x300, 1, { cpu: 0, ts: 2.5 });
    b.free(0x300, 1, { cpu: 1, ts: 3 });
    b.alloc(0x300, 1, COMP, { cpu: 0, ts: 3.000005 });
    const r = await replay(b);
    const df = only(r, 'double-free');
    expect([df.certain, df.because]).toEqual([false, ['cpu-reorder']]);
    expect(r.liveAtEnd).toBe(0); // the late-logged allocation is the one the second free freed
    expect(r.certainBugs).toBe(0);
  });

  it('events lost between the evidence lines make a finding uncertain', async () => {
    const b = new TraceBuilder();
    b.alloc(0x100, 1, COMP);
    b.free(0x100, 1);
    b.raw('CPU:0 [LOST 42 EVENTS]');
    b.free(0x100, 1);
    const r = await replay(b);
    expect(only(r, 'double-free').because).toEqual(['events-lost']);
    expect([r.trace.lostEvents, r.trace.lostLines]).toEqual([42, [3]]);
  });

  it('timestamps going backwards between the evidence lines make a finding uncertain', async () => {
    const b = new TraceBuilder();
    b.alloc(0x100, 0, 'GFP_KERNEL', { ts: 5 });
    b.alloc(0x100, 0, 'GFP_KERNEL', { ts: 4 });
    const r = await replay(b);
    expect(only(r, 'overlap').because).toEqual(['timestamps-out-of-order']);
    expect(r.trace.timestampsBackwards).toBe(1);
  });
});

describe('replayTrace: leaks, buddyinfo, limits, options', () => {
  it('live allocations at the end are listed and grouped by gfp, task (comm) and order, with their age', async () => {
    const b = new TraceBuilder();
    b.alloc(0x10, 0, 'GFP_KERNEL', { task: 'sort-1', ts: 1 });
    b.alloc(0x11, 0, '0xcc0', { task: 'sort-2', ts: 2 }); // the same flags, numeric
    b.alloc(0x14, 2, 'GFP_KERNEL_ACCOUNT|__GFP_ZERO', { task: 'tar-3', ts: 3 });
    b.alloc(0x20, 0, 'GFP_KERNEL', { task: 'cat-4', ts: 4 });
    b.free(0x20, 0, { ts: 11 });
    const r = await replay(b);
    expect([r.liveAtEnd, r.livePagesAtEnd]).toEqual([3, 6]);
    expect(r.live).toEqual([
      { pfn: 0x10, order: 0, gfp: 'GFP_KERNEL', task: 'sort-1', cpu: 0, ts: 1, age: 10, line: 1 },
      { pfn: 0x11, order: 0, gfp: 'GFP_KERNEL', task: 'sort-2', cpu: 0, ts: 2, age: 9, line: 2 },
      { pfn: 0x14, order: 2, gfp: 'GFP_KERNEL_ACCOUNT|__GFP_ZERO', task: 'tar-3', cpu: 0, ts: 3, age: 8, line: 3 },
    ]);
    expect(r.leakGroups).toEqual([
      { gfp: 'GFP_KERNEL_ACCOUNT|__GFP_ZERO', task: 'tar', tasks: [{ task: 'tar-3', count: 1 }], order: 2, count: 1, pages: 4, oldestAge: 8, lines: [3] },
      { gfp: 'GFP_KERNEL', task: 'sort', tasks: [{ task: 'sort-1', count: 1 }, { task: 'sort-2', count: 1 }], order: 0, count: 2, pages: 2, oldestAge: 10, lines: [1, 2] },
    ]);
    expect(r.view.liveByOrder).toEqual([2, 0, 1]);
  });

  it('reads the buddyinfo blocks before and after, beside its own view', async () => {
    const b = new TraceBuilder();
    b.raw('=== buddyinfo-start');
    b.raw('Node 0, zone      DMA      1      0      0      0      0      0      0      0      0      0      1 ');
    b.raw('Node 0, zone   Normal      2      1      0      0      0      0      0      0      0      0      3 ');
    b.raw('=== buddyinfo-end');
    b.raw('Node 0, zone      DMA      1      0      0      0      0      0      0      0      0      0      1 ');
    b.raw('Node 0, zone   Normal      4      0      0      0      0      0      0      0      0      0      3 ');
    b.raw('=== trace-begin');
    b.free(0x5000, 1);
    b.raw('=== trace-end');
    const r = await replay(b);
    expect(r.buddyinfo.before?.map((z) => [z.zone, z.freePages, z.line])).toEqual([
      ['DMA', 1025, 2],
      ['Normal', 3076, 3],
    ]);
    expect(r.buddyinfo.after?.map((z) => z.nrFree[0])).toEqual([1, 4]);
    expect([r.view.buddyFreePagesBefore, r.view.buddyFreePagesAfter, r.view.netPagesFreed]).toEqual([4101, 4101, 2]);
    expect(r.trace.markers.map((m) => m.name)).toEqual(['buddyinfo-start', 'buddyinfo-end', 'trace-begin', 'trace-end']);
    expect(r.unparsed.count).toBe(0);
  });

  it('counts every finding but keeps at most maxFindings per kind, and unreadable lines as examples', async () => {
    const b = new TraceBuilder();
    for (let i = 0; i < 50; i++) b.free(0x1000 + i);
    for (let i = 0; i < 30; i++) b.raw(`junk ${i}`);
    const r = await replay(b, { maxFindings: 10, maxExamples: 5 });
    expect(r.findingCounts['pre-trace-free']).toEqual({ certain: 0, uncertain: 50 });
    expect(r.findings).toHaveLength(10);
    expect(r.unparsed.count).toBe(30);
    expect(r.unparsed.examples.map((e) => e.line)).toEqual([51, 52, 53, 54, 55]);
  });

  it('builds a memory map on request: live, free, findings', async () => {
    const b = new TraceBuilder();
    b.alloc(0, 0);
    b.alloc(2, 1, COMP);
    b.free(2, 1);
    b.alloc(4, 0);
    b.alloc(4, 0);
    const r = await replay(b, { memoryMap: true });
    expect(r.pfnsPerCell).toBe(1);
    expect(r.machine).toEqual({ maxPfn: 4, pages: 1024, bytes: 4 * 1024 * 1024 });
    expect(Array.from(r.memoryMap!.subarray(0, 6))).toEqual([TRACE_MAP_CODES.live, 0, TRACE_MAP_CODES.free, TRACE_MAP_CODES.free, TRACE_MAP_CODES.certain, 0]);
    expect((await replay(b)).memoryMap).toBeNull();
  });

  it('the result is plain data: JSON round-trips it (NaN as null)', async () => {
    const b = new TraceBuilder();
    b.alloc(0x10, 0);
    b.free(0x10, 0);
    b.free(0x10, 0);
    const r = await replay(b);
    const { memoryMap, ...rest } = r;
    void memoryMap;
    const j = JSON.parse(JSON.stringify(rest)) as TraceReplay;
    expect(j.findings[0]).toMatchObject({ kind: 'double-free', certain: false, pfn: 0x10, order: 0, lines: [1, 2, 3] });
  });

  it('refuses bad options and sources with MmError INVALID_ARGUMENT', async () => {
    const b = new TraceBuilder();
    b.free(1);
    for (const o of [{ model: 'loose' }, { cpuClockSkew: -1 }, { cpuClockSkew: 'x' }, { maxFindings: 1.5 }, { maxExamples: -1 }, { timelinePoints: 1 }, { memoryMap: 'yes' }, { bogus: 1 }, null]) {
      await expect(replay(b, o as never), JSON.stringify(o)).rejects.toMatchObject({ name: 'MmError', code: 'INVALID_ARGUMENT' });
    }
    for (const src of [42, {}, '', null]) {
      await expect(replayTrace(src as never), String(src)).rejects.toBeInstanceOf(MmError);
    }
    await expect(replayTrace('/nonexistent/kmem.txt.gz')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('no such file') });
  });
});
