/**
 * Streaming: a trace is read as it arrives, so memory follows the live allocations and the pages
 * touched, never the length of the trace. A generated 10^6-event trace (about 100 MB of text,
 * never held in memory) is parsed and replayed.
 */
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parseTrace, replayTrace } from '../../src/trace/index.js';

const N = 1_000_000;

/** 10^6 events: alloc/free pairs over 4096 pages, 64 live at a time, with batched frees. */
function* events(counter: { produced: number }): Generator<string> {
  let ts = 1;
  let chunk = '';
  for (let i = 0; i < N; ) {
    const pfn = 0x40000 + ((i * 7) & 4095);
    ts += 0.000001;
    chunk += `         sort-143       [000] .....  ${ts.toFixed(6)}: mm_page_alloc: page=(____ptrval____) pfn=0x${pfn.toString(16)} order=0 migratetype=1 gfp_flags=GFP_HIGHUSER_MOVABLE|__GFP_COMP\n`;
    chunk += `         sort-143       [000] .....  ${ts.toFixed(6)}: mm_page_free: page=(____ptrval____) pfn=0x${pfn.toString(16)} order=0\n`;
    chunk += `         sort-143       [000] .....  ${ts.toFixed(6)}: mm_page_free_batched: page=(____ptrval____) pfn=0x${pfn.toString(16)} order=0\n`;
    i += 3;
    counter.produced += 3;
    if (chunk.length > 60_000) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk.length > 0) yield chunk;
}

describe('streaming', () => {
  it('parseTrace yields records while the input is still being produced (bounded look-ahead)', async () => {
    const counter = { produced: 0 };
    let consumed = 0;
    let maxAhead = 0;
    for await (const r of parseTrace(Readable.from(events(counter)))) {
      if (r.type === 'page') consumed++;
      if ((consumed & 1023) === 0) maxAhead = Math.max(maxAhead, counter.produced - consumed);
    }
    expect(consumed).toBe(counter.produced);
    expect(consumed).toBeGreaterThanOrEqual(N);
    // The producer never ran more than a few batches and stream buffers ahead of the consumer.
    expect(maxAhead).toBeLessThan(50_000);
  });

  it('replayTrace processes a 10^6-event trace without holding it: heap growth far below the text size', async () => {
    const counter = { produced: 0 };
    const before = process.memoryUsage().heapUsed;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 5);
    const src = Readable.from(
      (function* () {
        for (const c of events(counter)) {
          peak = Math.max(peak, process.memoryUsage().heapUsed);
          yield c;
        }
      })(),
    );
    const r = await replayTrace(src);
    clearInterval(sampler);
    const textBytes = counter.produced * 115;
    expect(r.events).toEqual({ mm_page_alloc: 333_334, mm_page_free: 333_334, mm_page_free_batched: 333_334 });
    expect(r.certainBugs).toBe(0);
    expect(r.liveAtEnd).toBe(0);
    expect(r.checks.batchedMatched).toBe(333_334);
    // ~115 MB of text went through; the heap grew by a fraction of it (lines are garbage at once).
    expect(peak - before).toBeLessThan(textBytes / 3);
  });

  it('many distinct tasks (a fork-heavy workload) do not pin the chunks their names were read from', async () => {
    // 10^6 events, a new pid every 100 lines: the interned task names must be copies, not slices
    // of the decoded 64 KiB chunks, which would keep every chunk — the whole trace — alive.
    function* forky(): Generator<string> {
      let chunk = '';
      for (let i = 0; i < 500_000; i++) {
        const pfn = 0x40000 + (i & 4095);
        const task = `worker-${Math.floor(i / 50)}`.padStart(16);
        const ts = (1 + i * 1e-6).toFixed(6);
        chunk += `${task}       [000] .....  ${ts}: mm_page_alloc: page=(____ptrval____) pfn=0x${pfn.toString(16)} order=0 migratetype=1 gfp_flags=GFP_KERNEL\n`;
        chunk += `${task}       [000] .....  ${ts}: mm_page_free: page=(____ptrval____) pfn=0x${pfn.toString(16)} order=0\n`;
        if (chunk.length > 60_000) {
          yield chunk;
          chunk = '';
        }
      }
      yield chunk;
    }
    const before = process.memoryUsage().heapUsed;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 5);
    const r = await replayTrace(Readable.from(forky()));
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().heapUsed);
    expect(r.events).toEqual({ mm_page_alloc: 500_000, mm_page_free: 500_000 });
    // 10,000 interned names are well under a MB; pinned chunks would be most of ~110 MB of text.
    expect(peak - before).toBeLessThan(40 * 1024 * 1024);
  });
});
