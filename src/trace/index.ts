/**
 * memdesc/trace — a kernel's `kmem:mm_page_*` ftrace read back and replayed through memdesc's
 * ownership rules (Node: files, gzip, standard input, streams). `memdesc` itself imports no Node
 * built-in; this entry point does.
 *
 * - {@link parseTrace} / {@link TraceParser}: the ftrace text (`trace`, `trace_pipe`,
 *   `trace-cmd report`, `perf script`) as records, each with its line number.
 * - {@link replayTrace}: double frees, wrong-order and tail-page frees, overlapping allocations,
 *   frees of pages allocated before the trace, the allocations live at the end; each finding
 *   certain, or uncertain with what missing from the trace could explain it. The rules are in
 *   [the trace guide](../../docs/trace.md); the command is `memdesc replay`.
 *
 * | kernel                               | memdesc/trace              |
 * |--------------------------------------|----------------------------|
 * | include/trace/events/kmem.h          | `TraceRecord`, `TraceParser` (`src/trace/records.ts`, `parser.ts`) |
 * | reading `/sys/kernel/tracing/trace`  | `parseTrace` (`src/trace/parse.ts`, `source.ts`, `lines.ts`) |
 * | `perf kmem stat --page`, page_owner  | `replayTrace`, `TraceReplay` (`src/trace/replay.ts`, `replayer.ts`, `result.ts`) |
 *
 * @module memdesc/trace
 */
export {
  MAX_TRACE_ORDER,
  type TraceRecord,
  type TracePageEvent,
  type TracePageEventName,
  type TracePageOp,
  type TraceOtherEvent,
  type TraceBuddyinfoLine,
  type TraceMarker,
  type TraceLost,
  type TraceHeader,
  type TraceUnparsed,
  type TraceParserStats,
} from './records.js';
export { TraceParser } from './parser.js';
export type { TraceSource } from './source.js';
export { parseTrace, type ParseTraceOptions } from './parse.js';
export { replayTrace, type ReplayTraceOptions } from './replay.js';
export {
  TRACE_FINDING_KINDS,
  TRACE_UNCERTAINTY_TEXT,
  TRACE_MAP_CODES,
  type TraceReplay,
  type TraceFinding,
  type TraceFindingKind,
  type TraceUncertainty,
  type TraceLiveAllocation,
  type TraceLeakGroup,
  type TraceLeakTask,
  type TraceBuddyinfoZone,
  type TraceReplayView,
  type TraceTimelinePoint,
  type TraceFindingOther,
  type TraceReplayCounts,
  type TraceUnparsedExample,
  type TraceUnparsedSummary,
  type TraceFindingCount,
  type TraceInfo,
  type TraceMarkerInfo,
  type TraceChecks,
  type TraceMachine,
  type TraceBuddyinfoBlocks,
} from './result.js';
