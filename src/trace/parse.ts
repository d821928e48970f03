/**
 * `parseTrace`: a trace source read as a stream of records — source.ts's lines through a
 * {@link TraceParser}.
 *
 * @module
 */
import { readOptions } from '../debug/mm-error.js';
import { TraceParser, overLongLine } from './parser.js';
import type { TraceRecord } from './records.js';
import { checkMaxLineLength, checkTraceSource, openTraceLines, type TraceSource } from './source.js';

/** (no kernel counterpart) — the options of {@link parseTrace}. */
export interface ParseTraceOptions {
  /**
   * Lines longer than this many bytes are not read: each is one `unparsed` record (`line longer
   * than … bytes`) with its first 200 characters, and its bytes are skipped, so memory stays
   * bounded on any input. An integer in 1024..2^30; default 1 MiB (a kmem line is ~150 bytes).
   */
  readonly maxLineLength?: number;
}

/**
 * Checks the options object of `parseTrace` / `replayTrace`: each known field read once into a
 * plain object (an array, an unknown key, or a getter or Proxy trap that throws is
 * `INVALID_ARGUMENT`); returns the line bound and the fields, for the caller's own checks.
 */
export function readingOptions(options: unknown, fn: string, known: readonly string[]): { maxLineLength: number; fields: Record<string, unknown> } {
  const fields = readOptions(fn, 'options', options, known, true) as Record<string, unknown>;
  return { maxLineLength: checkMaxLineLength(fields['maxLineLength'], fn), fields };
}

/**
 * `/sys/kernel/tracing/trace` read back (or `trace_pipe`, `trace-cmd report`, `perf script`) —
 * reads a page-allocator trace (recorded after `echo 1 > events/kmem/mm_page_alloc/enable`…) as
 * a stream of records: page events, other events, `/proc/buddyinfo` lines, markers, lost-event
 * notes, headers, and the lines it could not read — each with its line number.
 *
 * **When to use**: to inspect or filter a trace yourself; {@link replayTrace} uses the same parser
 * and replays the events through the ownership model.
 *
 * **Gotchas**: the source is read lazily, once: iterate the result once. A path that does not
 * exist, a directory or a corrupt gzip stream rejects with `MmError` `INVALID_ARGUMENT` (at the
 * first `next()`); a source of the wrong type or a bad option throws it at once. An unreadable
 * line is a `{ type: 'unparsed' }` record, never an exception — a line longer than
 * `maxLineLength` (1 MiB) too, so memory is bounded by that, not by the input.
 *
 * @example
 * ```ts
 * import { Readable } from 'node:stream';
 * import { parseTrace } from 'memdesc/trace';
 * const text = '  cat-1 [000] ..... 1.0: mm_page_alloc: page=(____ptrval____) pfn=0x100 order=0 migratetype=0 gfp_flags=GFP_KERNEL\n';
 * for await (const r of parseTrace(Readable.from([text]))) {
 *   if (r.type === 'page') console.log(r.name, r.pfn, r.gfpText); // mm_page_alloc 256 GFP_KERNEL
 * }
 * ```
 */
export function parseTrace(source: TraceSource, options: ParseTraceOptions = {}): AsyncIterable<TraceRecord> {
  checkTraceSource(source, 'parseTrace');
  const maxLine = readingOptions(options, 'parseTrace', ['maxLineLength']).maxLineLength;
  return {
    async *[Symbol.asyncIterator]() {
      const parser = new TraceParser();
      let n = 0;
      for await (const batch of await openTraceLines(source, 'parseTrace', maxLine)) {
        for (const line of batch) {
          const r = typeof line === 'string' ? parser.parseLine(line, ++n) : overLongLine(parser, line.head, line.bytes, maxLine, ++n);
          if (r !== null) yield r;
        }
      }
    },
  };
}
