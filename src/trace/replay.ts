/**
 * `replayTrace`: a page-allocator trace replayed through memdesc's ownership rules — every block
 * has one owner from `mm_page_alloc` to `mm_page_free`, is freed whole, with the order it was
 * allocated with, through its head page, once. What the trace shows against those rules becomes a finding, with
 * the lines that prove it, marked certain or uncertain by the rules below.
 *
 * ## The model
 *
 * Per page frame, the replay keeps the last thing the trace said about it: live (part of an
 * allocation: pfn, order, gfp, task, CPU, timestamp, line), freed (by which free, of which
 * allocation, drained to the buddy lists since?), or unknown. State lives in sparse sections of
 * 32768 pfns created on first touch (SPARSEMEM's idea), so memory follows the pages the trace
 * touches, never the length of the trace. `mm_page_free_batched` tags a free that has its own
 * `mm_page_free` line and changes nothing; `mm_page_pcpu_drain` moves a free page to the buddy
 * lists and is remembered as such; `mm_page_alloc_zone_locked` / `_extfrag` are counted only.
 *
 * ## When a finding is certain
 *
 * A real kernel's trace is not a complete record of ownership. Linux 6.1 allocates without
 * `mm_page_alloc` in `alloc_pages_bulk()` (order-0 pages taken straight from the per-CPU lists:
 * vmalloc, kernel stacks, sunrpc, xfs…) and when compaction or `alloc_contig_range()` take free
 * pages from the buddy lists; `split_page()` and `split_folio()` split a block with no event; the
 * ring buffer may drop events (`[LOST n EVENTS]`); and each CPU has its own buffer and clock, so
 * lines of two CPUs within the clock skew may be merged in the wrong order. A finding is
 * **uncertain** when one of those could explain it, and lists which (`because`); otherwise it is
 * **certain**. With `model: 'kernel'` (the default):
 *
 * - `double-free` — a free of a page whose last event is a free. Certain only when the first free
 *   freed an allocation recorded in the trace (`not-allocated-in-trace`), the page stayed on a
 *   per-CPU list: no `mm_page_pcpu_drain` of it came between and its order is at most
 *   `PAGE_ALLOC_COSTLY_ORDER` (`returned-to-buddy`: from the buddy lists untraced allocators take
 *   pages, and larger blocks are freed straight to them), the second free names the same block with the same order
 *   (`different-block`: the pieces of a block reused by an order-0 allocator), the order is ≥ 1
 *   (`order-0-untraced-alloc`: `alloc_pages_bulk()` hands out order-0 pages from the per-CPU
 *   list the first free put it on), and no gap below applies.
 * - `wrong-order` / `tail-free` — a free with another order than the live allocation at that
 *   pfn, or of a pfn inside it. Uncertain (`split`) when the freed block is naturally aligned
 *   inside the allocation and the allocation could have been split: not compound (no
 *   `__GFP_COMP`: `split_page()`), or a folio of user memory (`__GFP_MOVABLE` or
 *   `__GFP_HARDWALL`: anonymous or page cache, `split_folio()`). A compound block of kernel memory
 *   (slab, `kmalloc_large`, page_frag) is never split. A free larger than the allocation is never
 *   explained by a split.
 * - `overlap` — an allocation over a live one: the earlier block's free is missing. Certain but
 *   for the gaps.
 * - `pre-trace-free` — a free of a page the trace never saw allocated (nor freed): allocated
 *   before tracing began, or by an untraced path. Information, never certain in this model.
 * - Gaps, for every kind: `events-lost` (a `[LOST n EVENTS]` line between the evidence lines),
 *   `timestamps-out-of-order` (a timestamp going backwards between them), `cpu-reorder` (the two
 *   conflicting events are on different CPUs within `cpuClockSkew` of each other: swapped, they
 *   are a normal free and allocation; the replay then keeps the swapped reading).
 *
 * With `model: 'strict'` the trace is taken as complete — every allocation recorded, every block
 * freed whole (a synthetic trace, or a kernel instrumented for it): only the gaps make a finding
 * uncertain, and a `pre-trace-free` is certain information.
 *
 * @module
 */
import { MmError, invalidArgument, optionKeys } from '../debug/mm-error.js';
import { overLongLine, replayParser } from './parser.js';
import { readingOptions } from './parse.js';
import { TraceReplayer, type ReplayerOptions } from './replayer.js';
import type { TraceReplay } from './result.js';
import { checkTraceSource, openTraceLines, traceSourceName, type TraceSource } from './source.js';

/** (no kernel counterpart) — the options of {@link replayTrace}. */
export interface ReplayTraceOptions {
  /** `'kernel'` (default): a real kernel's trace; `'strict'`: a complete one. See the rules. */
  readonly model?: 'kernel' | 'strict';
  /** Seconds two CPUs' clocks may disagree by (default 50 µs); 0 trusts the merge order. */
  readonly cpuClockSkew?: number;
  /** Findings kept per kind (all are counted); default 10000. */
  readonly maxFindings?: number;
  /** Unreadable lines kept as examples; default 20. */
  readonly maxExamples?: number;
  /** Points of the timeline; default 400. */
  readonly timelinePoints?: number;
  /** Also build the memory map at the end (for a picture); default false. */
  readonly memoryMap?: boolean;
  /**
   * Lines longer than this many bytes are not read: each counts as one unreadable line and its
   * bytes are skipped, so memory stays bounded on any input (a gzip of zeros, `/dev/zero`). An
   * integer in 1024..2^30; default 1 MiB.
   */
  readonly maxLineLength?: number;
}

const KNOWN = optionKeys<ReplayTraceOptions>()(['model', 'cpuClockSkew', 'maxFindings', 'maxExamples', 'timelinePoints', 'memoryMap', 'maxLineLength']);

function checkOptions(options: unknown, fn: string): ReplayerOptions & { maxLineLength: number } {
  const { maxLineLength, fields: o } = readingOptions(options, fn, KNOWN);
  const model = o['model'] ?? 'kernel';
  if (model !== 'kernel' && model !== 'strict') invalidArgument(fn, "model must be 'kernel' or 'strict'", model);
  const skew = o['cpuClockSkew'] ?? 50e-6;
  if (typeof skew !== 'number' || !(skew >= 0 && skew <= 10)) invalidArgument(fn, 'cpuClockSkew must be a number of seconds in 0..10', skew);
  const int = (k: string, dflt: number, min: number, max: number): number => {
    const v = o[k] ?? dflt;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) invalidArgument(fn, `${k} must be an integer in ${min}..${max}`, v);
    return v;
  };
  const memoryMap = o['memoryMap'] ?? false;
  if (typeof memoryMap !== 'boolean') invalidArgument(fn, 'memoryMap must be a boolean', memoryMap);
  return {
    model,
    cpuClockSkew: skew,
    maxFindings: int('maxFindings', 10_000, 0, 1e7),
    maxExamples: int('maxExamples', 20, 0, 1e5),
    timelinePoints: int('timelinePoints', 400, 2, 1e5),
    memoryMap,
    maxLineLength,
  };
}

/**
 * `perf kmem stat --page` with memdesc's rules — replays a page-allocator trace (ftrace text of
 * `kmem:mm_page_alloc`, `mm_page_free`, `mm_page_free_batched`, `mm_page_pcpu_drain`; plain,
 * gzip or standard input) through the ownership model and reports double frees, wrong-order
 * frees, frees of tail pages, allocations overlapping live ones, frees of pages allocated before
 * the trace, and the allocations still live at the end (possible leaks, grouped by gfp flags,
 * task and order, with their age), each finding with the lines that prove it and marked certain
 * or uncertain.
 *
 * **When to use**: on a trace recorded while chasing a leak or a bad free
 * (`echo 1 > /sys/kernel/tracing/events/kmem/mm_page_alloc/enable`, likewise `mm_page_free`…,
 * then save `/sys/kernel/tracing/trace`). The CLI is `memdesc replay FILE [--json] [--html OUT]`.
 *
 * **Gotchas**: a real kernel's trace is not a complete record (the rules are in the trace
 * guide, docs/trace.md): `alloc_pages_bulk()` allocates without an event, so in the default `'kernel'`
 * model an order-0 double free is never certain; pass `model: 'strict'` for a trace known to be
 * complete. A bad source (no such file, a directory, a corrupt gzip stream, a wrong type) or a
 * bad option rejects with `MmError` `INVALID_ARGUMENT`; unreadable lines — a line longer than
 * `maxLineLength` (1 MiB) too — are counted and kept as examples with their line numbers, never
 * thrown. Memory follows the pages the trace touches, not its length.
 *
 * @example
 * ```ts
 * import { Readable } from 'node:stream';
 * import { replayTrace } from 'memdesc/trace';
 * const ev = (ts: number, what: string) => `  cat-1 [000] ..... ${ts}: ${what}\n`;
 * const trace = [
 *   ev(1.0, 'mm_page_alloc: page=(____ptrval____) pfn=0x100 order=1 migratetype=0 gfp_flags=GFP_KERNEL|__GFP_COMP'),
 *   ev(1.1, 'mm_page_free: page=(____ptrval____) pfn=0x100 order=1'),
 *   ev(1.2, 'mm_page_free: page=(____ptrval____) pfn=0x100 order=1'),
 * ].join('');
 * const r = await replayTrace(Readable.from([trace]));
 * console.log(r.findings[0]?.kind, r.findings[0]?.certain, r.findings[0]?.lines); // double-free true [ 1, 2, 3 ]
 * ```
 */
export async function replayTrace(source: TraceSource, options: ReplayTraceOptions = {}): Promise<TraceReplay> {
  checkTraceSource(source, 'replayTrace');
  const o = checkOptions(options, 'replayTrace');
  const replayer = new TraceReplayer(o);
  const parser = replayParser();
  const lines = await openTraceLines(source, 'replayTrace', o.maxLineLength);
  let n = 0;
  try {
    for await (const batch of lines) {
      for (let i = 0; i < batch.length; i++) {
        const line = batch[i]!;
        const r = typeof line === 'string' ? parser.parseLine(line, ++n) : overLongLine(parser, line.head, line.bytes, o.maxLineLength, ++n);
        if (r !== null) replayer.feed(r);
      }
    }
  } catch (e) {
    if (e instanceof MmError) throw e;
    throw new MmError('INVALID_ARGUMENT', `replayTrace(): cannot read trace ${JSON.stringify(traceSourceName(source))}: ${(e as Error).message}`);
  }
  return replayer.finish(traceSourceName(source), n);
}
