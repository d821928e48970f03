/**
 * The records the ftrace parser yields (`include/trace/events/kmem.h`'s page events read back,
 * and everything else a trace file holds), as plain data. No I/O here.
 *
 * @module
 */

/**
 * `TRACE_EVENT(mm_page_*)` (include/trace/events/kmem.h) — the tracepoint names the parser reads;
 * any other name is counted as an other event.
 */
export type TracePageEventName =
  | 'mm_page_alloc'
  | 'mm_page_free'
  | 'mm_page_free_batched'
  | 'mm_page_pcpu_drain'
  | 'mm_page_alloc_zone_locked'
  | 'mm_page_alloc_extfrag'
  | 'mm_page_free_direct'
  | 'mm_pagevec_free';

/**
 * (no kernel counterpart) — what a page event means to an ownership model:
 * - `alloc`: `mm_page_alloc` — a block handed to a caller;
 * - `free`: `mm_page_free` (and the old `mm_page_free_direct`) — a block given back;
 * - `batched`: `mm_page_free_batched` (old: `mm_pagevec_free`) — a tag on a free that has its
 *   own `mm_page_free` line (after it since Linux 4.x, before it in 3.x): never a second free;
 * - `drain`: `mm_page_pcpu_drain` — a free page moved from a per-CPU list to the buddy lists:
 *   not a free;
 * - `internal`: `mm_page_alloc_zone_locked`, `mm_page_alloc_extfrag` — the buddy allocator's own
 *   bookkeeping (pcp refills, fallbacks): counted, not an ownership change.
 */
export type TracePageOp = 'alloc' | 'free' | 'batched' | 'drain' | 'internal';

/** The kmem page events' `TP_printk` read back — one page-allocator tracepoint line. */
export interface TracePageEvent {
  /** Discriminant: a page-allocator tracepoint line. */
  readonly type: 'page';
  /** What it means for ownership; see {@link TracePageOp}. */
  readonly op: TracePageOp;
  /** The tracepoint's name as printed (`mm_page_alloc`, …). */
  readonly name: TracePageEventName;
  /** 1-based line number in the input. */
  readonly line: number;
  /** `comm-pid` as printed (`sort-143`, `kworker/0:2-50`); `''` when the layout has none. */
  readonly task: string;
  /** The CPU (`[001]` → 1); -1 when the layout has none. */
  readonly cpu: number;
  /** Timestamp in seconds; `NaN` when the layout has none. */
  readonly ts: number;
  /** Page frame number of the block's first page; -1 for a failed allocation (`page=(null)`). */
  readonly pfn: number;
  /** Block order (2^order pages); 0 when the line has no `order=`. */
  readonly order: number;
  /** GFP bits of an allocation; `null` when absent or not a known flag name. */
  readonly gfp: number | null;
  /** `gfp_flags=` as printed (`GFP_KERNEL|__GFP_ZERO`, `0xcc0`); `''` when absent. */
  readonly gfpText: string;
  /** `migratetype=`; -1 when absent. */
  readonly migratetype: number;
}

/** Any other `TRACE_EVENT` — a line of another tracepoint (`sched_switch`, …): counted by name, not replayed. */
export interface TraceOtherEvent {
  /** Discriminant: a line of another tracepoint or tracer. */
  readonly type: 'event';
  /** The tracepoint's name (`sched_switch`), or `function` / `function_graph` for those tracers' lines. */
  readonly name: string;
  /** 1-based line number in the input. */
  readonly line: number;
  /** `comm-pid`; `''` when the layout has none. */
  readonly task: string;
  /** The CPU; -1 when the layout has none. */
  readonly cpu: number;
  /** Timestamp in seconds; `NaN` when the layout has none. */
  readonly ts: number;
}

/** `/proc/buddyinfo`, one zone's line — `Node 0, zone    DMA32      0      2 …`, as found in a trace. */
export interface TraceBuddyinfoLine {
  /** Discriminant: a `/proc/buddyinfo` line. */
  readonly type: 'buddyinfo';
  /** Which block it is in: `start` (before tracing), `end` (after), or `null` (outside a block). */
  readonly which: 'start' | 'end' | null;
  /** 1-based line number in the input. */
  readonly line: number;
  /** The NUMA node. */
  readonly node: number;
  /** The zone's name (`DMA`, `DMA32`, `Normal`, `Movable`). */
  readonly zone: string;
  /** Free blocks per order (`free_area[order].nr_free`), order 0 first. */
  readonly nrFree: readonly number[];
}

/** (no kernel counterpart) — a `=== name` marker line of the shared sample's layout. */
export interface TraceMarker {
  /** Discriminant: a `=== name` line. */
  readonly type: 'marker';
  /** `buddyinfo-start`, `buddyinfo-end`, `trace-begin`, `trace-end`, or another name. */
  readonly name: string;
  /** 1-based line number in the input. */
  readonly line: number;
}

/** The ring buffer's overrun note, `CPU:1 [LOST 123 EVENTS]` — it dropped events here. */
export interface TraceLost {
  /** Discriminant: a lost-events note. */
  readonly type: 'lost';
  /** 1-based line number in the input. */
  readonly line: number;
  /** The CPU whose buffer overflowed. */
  readonly cpu: number;
  /** How many events it dropped. */
  readonly count: number;
}

/** `print_event_info()`'s header — `# entries-in-buffer/entries-written: 72299/72299   #P:2` (or trace-cmd's `cpus=2`). */
export interface TraceHeader {
  /** Discriminant: the buffer header. */
  readonly type: 'header';
  /** 1-based line number in the input. */
  readonly line: number;
  /** Entries still in the buffer; -1 when not given. */
  readonly entriesInBuffer: number;
  /** Entries ever written; more than in the buffer means the oldest were overwritten. */
  readonly entriesWritten: number;
  /** `#P:` — CPUs traced; -1 when not given. */
  readonly cpus: number;
}

/** (no kernel counterpart) — a line the parser could not read. */
export interface TraceUnparsed {
  /** Discriminant: a line that could not be read. */
  readonly type: 'unparsed';
  /** 1-based line number in the input. */
  readonly line: number;
  /** The line, cut to 200 characters. */
  readonly text: string;
  /** Why: `not an ftrace line`, `no pfn= field`, `bad order= field`, … */
  readonly reason: string;
}

/** (no kernel counterpart) — everything {@link parseTrace} yields. Comment and blank lines yield nothing. */
export type TraceRecord = TracePageEvent | TraceOtherEvent | TraceBuddyinfoLine | TraceMarker | TraceLost | TraceHeader | TraceUnparsed;

/** (no kernel counterpart) — the counters of a {@link TraceParser}. */
export interface TraceParserStats {
  /** Lines read. */
  lines: number;
  /** Blank lines. */
  blank: number;
  /** `#` comment and header lines. */
  comments: number;
  /** Lines that could not be read. */
  unparsed: number;
}

/**
 * `MAX_PAGE_ORDER` of any traced kernel, at most — orders above it are unreadable lines (x86 uses
 * 0..10; arm64 with 64 KiB pages goes to 13).
 */
export const MAX_TRACE_ORDER = 20;
