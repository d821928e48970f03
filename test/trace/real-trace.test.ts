/**
 * The shared real trace (Linux 6.1, 512 MiB, 2 CPUs; ../shared/traces/README.md): a kernel in
 * normal operation, so no certain bug; its ~125 frees with no allocation between are reported,
 * uncertain, with the gap that explains them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { replayTrace, type TraceReplay } from '../../src/trace/index.js';

const TRACE = join(import.meta.dirname, '../../../shared/traces/kmem-6.1-512M-2cpu.txt.gz');

describe('the shared real trace, kmem-6.1-512M-2cpu.txt.gz', () => {
  let r: TraceReplay;
  beforeAll(async () => {
    r = await replayTrace(TRACE, { memoryMap: true });
  });

  it('counts every event exactly, and the one unreadable line (console noise inside the buddyinfo block)', () => {
    expect(r.lines).toBe(72320);
    expect(r.events).toEqual({ mm_page_alloc: 18865, mm_page_free: 19090, mm_page_free_batched: 17296, mm_page_pcpu_drain: 17048 });
    expect(Object.values(r.events).reduce((a, b) => a + b, 0)).toBe(72299); // = entries-written in its header
    expect([r.trace.entriesInBuffer, r.trace.entriesWritten, r.trace.lostEvents]).toEqual([72299, 72299, 0]);
    expect(r.unparsed.count).toBe(1);
    expect(r.unparsed.examples).toEqual([{ line: 4, text: "tar: removing leading '/' from member names", reason: 'not a /proc/buddyinfo line' }]);
    expect(r.trace.cpus).toEqual([0, 1]);
    expect([r.trace.firstTs, r.trace.lastTs]).toEqual([2.528119, 10.942595]);
    expect(r.trace.timestampsBackwards).toBe(0);
    expect(r.trace.markers.map((m) => `${m.name}@${m.line}`)).toEqual(['buddyinfo-start@1', 'buddyinfo-end@5', 'trace-begin@8', 'trace-end@72320']);
  });

  it('reads the /proc/buddyinfo blocks before and after', () => {
    expect(r.buddyinfo.before).toEqual([
      { node: 0, zone: 'DMA', nrFree: [0, 0, 0, 0, 0, 1, 1, 1, 0, 1, 3], freePages: 3808, line: 2 },
      { node: 0, zone: 'DMA32', nrFree: [0, 2, 7, 6, 5, 9, 7, 7, 3, 3, 87], freePages: 93184, line: 3 },
    ]);
    expect(r.buddyinfo.after).toEqual([
      { node: 0, zone: 'DMA', nrFree: [0, 0, 0, 0, 0, 1, 1, 1, 0, 1, 3], freePages: 3808, line: 6 },
      { node: 0, zone: 'DMA32', nrFree: [22, 58, 64, 41, 21, 17, 10, 8, 3, 4, 85], freePages: 93122, line: 7 },
    ]);
    expect([r.view.buddyFreePagesBefore, r.view.buddyFreePagesAfter]).toEqual([96992, 96930]);
    expect([r.view.pagesAllocated, r.view.pagesFreed, r.view.netPagesFreed]).toEqual([19025, 19192, 167]);
    expect(r.machine.pages).toBe(131072); // 512 MiB: the pfns seen reach 0x1ffdf
  });

  it('reports no certain bug: every finding is uncertain, with its reason', () => {
    expect(r.certainBugs).toBe(0);
    expect(r.findings.length).toBeGreaterThan(0);
    expect(r.findings.every((f) => !f.certain && f.because.length > 0)).toBe(true);
    expect(r.findingCounts).toEqual({
      'double-free': { certain: 0, uncertain: 125 },
      'wrong-order': { certain: 0, uncertain: 0 },
      'tail-free': { certain: 0, uncertain: 0 },
      overlap: { certain: 0, uncertain: 0 },
      'pre-trace-free': { certain: 0, uncertain: 165 },
    });
  });

  it('the 125 double frees: order 0, mostly across a pcp drain (the page went back to the buddy lists), all freed the second time by a kworker', () => {
    const df = r.findings.filter((f) => f.kind === 'double-free');
    expect(df).toHaveLength(125);
    expect(df.every((f) => f.order === 0 && f.because.includes('order-0-untraced-alloc'))).toBe(true);
    expect(df.filter((f) => f.because.includes('returned-to-buddy'))).toHaveLength(122);
    expect(df.filter((f) => f.because.includes('not-allocated-in-trace'))).toHaveLength(30);
    expect(df.every((f) => f.task.startsWith('kworker/'))).toBe(true);
    // The first: pfn 0x69c0 allocated by seq at line 103, freed by init at 147, again by a kworker at 377.
    expect(df[0]).toMatchObject({ pfn: 0x69c0, lines: [103, 147, 377], task: 'kworker/0:2-50' });
    // Every evidence line list is ascending and ends with the finding's own line.
    expect(df.every((f) => f.lines.at(-1) === f.line && f.lines.every((l, i) => i === 0 || l > f.lines[i - 1]!))).toBe(true);
  });

  it('mm_page_free_batched always follows its mm_page_free; no drain of a page held live', () => {
    expect([r.checks.batchedMatched, r.checks.batchedUnmatched, r.checks.drainsOfLive]).toEqual([17296, 0, 0]);
  });

  it('lists and groups the allocations live at the end', () => {
    expect([r.liveAtEnd, r.livePagesAtEnd]).toEqual([65, 124]);
    expect(r.view.liveByOrder).toEqual([48, 6, 6, 5]);
    expect(r.leakGroups.reduce((s, g) => s + g.count, 0)).toBe(65);
    expect(r.leakGroups[0]).toMatchObject({ task: 'init', order: 3, count: 5, pages: 40 });
    // The pids stay: init-1 and the short-lived init-13x/14x children are told apart.
    expect(r.leakGroups[0]!.tasks).toEqual([
      { task: 'init-138', count: 2 },
      { task: 'init-141', count: 1 },
      { task: 'init-144', count: 1 },
      { task: 'init-146', count: 1 },
    ]);
    for (const g of r.leakGroups) {
      expect(g.tasks.reduce((s, t) => s + t.count, 0)).toBe(g.count);
      for (const t of g.tasks) expect(t.task).toMatch(new RegExp(`^${g.task.replace(/[/]/g, '\\/')}-\\d+$`));
    }
    for (const a of r.live) expect(a.age).toBeCloseTo(10.942595 - a.ts, 9);
  });

  it('the same result from the plain text, from gzip bytes, and with CRLF line ends', async () => {
    const gz = readFileSync(TRACE);
    const text = gunzipSync(gz).toString('latin1');
    const strip = (x: TraceReplay) => ({ ...x, source: '', memoryMap: null, timeline: [] });
    const base = strip(await replayTrace(TRACE));
    expect(strip(await replayTrace(gz))).toEqual(base);
    expect(strip(await replayTrace(Readable.from([text])))).toEqual(base);
    expect(strip(await replayTrace(Readable.from([text.replace(/\n/g, '\r\n')])))).toEqual(base);
  });

  it('in the strict model (a complete trace assumed) the same frees would be certain bugs', async () => {
    const s = await replayTrace(TRACE, { model: 'strict' });
    expect(s.findingCounts['double-free']).toEqual({ certain: 125, uncertain: 0 });
  });
});
