/**
 * What a replay finds, as plain data: the findings and why they are uncertain, the allocations
 * live at the end, the trace's own facts, the `/proc/buddyinfo` blocks, the timeline and the
 * memory map's codes. The rules that produce them are in replay.ts.
 *
 * @module
 */

/** `BUG: Bad page state` reasons, as a trace shows them — the kinds of finding. */
export type TraceFindingKind = 'double-free' | 'wrong-order' | 'tail-free' | 'overlap' | 'pre-trace-free';

/** (no kernel counterpart) — every {@link TraceFindingKind}; the four bugs first. */
export const TRACE_FINDING_KINDS: readonly TraceFindingKind[] = Object.freeze(['double-free', 'wrong-order', 'tail-free', 'overlap', 'pre-trace-free'] as const);

/** (no kernel counterpart) — why a finding is uncertain: what, missing from the trace, could explain it. */
export type TraceUncertainty =
  | 'not-allocated-in-trace'
  | 'returned-to-buddy'
  | 'order-0-untraced-alloc'
  | 'different-block'
  | 'split'
  | 'allocation-not-in-trace'
  | 'cpu-reorder'
  | 'events-lost'
  | 'timestamps-out-of-order';

/** (no kernel counterpart) — one sentence per {@link TraceUncertainty}, for reports. */
export const TRACE_UNCERTAINTY_TEXT: Readonly<Record<TraceUncertainty, string>> = Object.freeze({
  'not-allocated-in-trace': 'the first free was of a block whose allocation is not in the trace',
  'returned-to-buddy': 'the page was on the buddy lists between the frees (an mm_page_pcpu_drain moved it there, or it was freed there directly, being of order > 3): compaction, alloc_contig_range and pcp refills for alloc_pages_bulk take pages from there without mm_page_alloc',
  'order-0-untraced-alloc': 'an order-0 page on a per-CPU list can be taken by alloc_pages_bulk(), which emits no mm_page_alloc',
  'different-block': 'the second free names another block or order than the first: the pieces were reused after an untraced split',
  split: 'split_page()/split_folio() can split the allocation without an event, after which its pieces are freed one by one',
  'allocation-not-in-trace': 'allocated before tracing began, or by a path that emits no mm_page_alloc',
  'cpu-reorder': 'the conflicting events ran on different CPUs within the clock skew: in the other order they are a normal free and allocation',
  'events-lost': 'the ring buffer lost events between the evidence lines',
  'timestamps-out-of-order': 'timestamps go backwards between the evidence lines',
});

/** `BUG: Bad page state`, for a trace — a finding: what broke a memdesc rule, where, and how sure the replay is. */
export interface TraceFinding {
  /** What rule the trace breaks. */
  readonly kind: TraceFindingKind;
  /** True when nothing missing from the trace could explain it; see the module's rules. */
  readonly certain: boolean;
  /** The pfn the offending event names. */
  readonly pfn: number;
  /** The order the offending event names. */
  readonly order: number;
  /** The lines that prove it (the allocation, the earlier free, drains between, the offending event), ascending. */
  readonly lines: readonly number[];
  /** The offending event's line. */
  readonly line: number;
  /** The offending event's timestamp (seconds; `NaN` when the layout has none). */
  readonly ts: number;
  /** The offending event's CPU (-1 when unknown). */
  readonly cpu: number;
  /** The offending event's `comm-pid`. */
  readonly task: string;
  /** Why it is uncertain; empty when certain. */
  readonly because: readonly TraceUncertainty[];
  /** One sentence, the way the kernel would report it. */
  readonly message: string;
  /** The other block involved (the live allocation, the earlier free), when there is one. */
  readonly other: TraceFindingOther | null;
}

/** (no kernel counterpart) — the other block a {@link TraceFinding} involves. */
export interface TraceFindingOther {
  /** Its first pfn. */
  readonly pfn: number;
  /** Its order. */
  readonly order: number;
  /** Its `mm_page_alloc` line, or its free's line when its allocation is not in the trace. */
  readonly line: number;
  /** The task of that line. */
  readonly task: string;
}

/** `/sys/kernel/debug/page_owner`, one record, from a trace — an allocation still live when the trace ends: a possible leak. */
export interface TraceLiveAllocation {
  /** Its first pfn. */
  readonly pfn: number;
  /** Its order (a piece of a split allocation has the piece's order). */
  readonly order: number;
  /** GFP flags as the kernel prints them (`gfpToString`), or as printed when not known. */
  readonly gfp: string;
  /** `comm-pid` of the allocating task. */
  readonly task: string;
  /** The CPU it was allocated on. */
  readonly cpu: number;
  /** When, in seconds. */
  readonly ts: number;
  /** Last timestamp of the trace minus `ts`, in seconds. */
  readonly age: number;
  /** The `mm_page_alloc` line. */
  readonly line: number;
}

/** `page_owner_sort`'s grouping — live allocations at the end sharing gfp flags, task name (comm, without pid) and order. */
export interface TraceLeakGroup {
  /** The GFP flags, as {@link TraceLiveAllocation.gfp}. */
  readonly gfp: string;
  /** The task's name (comm), without its pid: what the group shares. {@link TraceLeakGroup.tasks} has the pids. */
  readonly task: string;
  /** The allocating tasks as printed (`comm-pid`), with how many of the group's allocations each made; most first. */
  readonly tasks: readonly TraceLeakTask[];
  /** The order. */
  readonly order: number;
  /** Live allocations in the group. */
  readonly count: number;
  /** Their pages. */
  readonly pages: number;
  /** The age of the oldest, in seconds: the trace's last timestamp minus its allocation's. */
  readonly oldestAge: number;
  /** The earliest five `mm_page_alloc` lines, ascending. */
  readonly lines: readonly number[];
}

/** `current->comm` and its pid — one task of a {@link TraceLeakGroup}. */
export interface TraceLeakTask {
  /** `comm-pid` as the trace prints it (`init-146`). */
  readonly task: string;
  /** The group's allocations it made. */
  readonly count: number;
}

/** `/proc/buddyinfo`, one zone — a line of a buddyinfo block of the trace. */
export interface TraceBuddyinfoZone {
  /** The NUMA node. */
  readonly node: number;
  /** The zone's name. */
  readonly zone: string;
  /** Free blocks per order. */
  readonly nrFree: readonly number[];
  /** Free pages on the buddy lists: Σ nrFree[o] · 2^o. */
  readonly freePages: number;
  /** The line it was read from. */
  readonly line: number;
}

/** (no kernel counterpart) — the replay's own view, to read beside `/proc/buddyinfo`. */
export interface TraceReplayView {
  /** Pages allocated by traced `mm_page_alloc` events. */
  readonly pagesAllocated: number;
  /** Pages freed by `mm_page_free` events. */
  readonly pagesFreed: number;
  /** `pagesFreed − pagesAllocated`: what the trace alone says the free page count did. */
  readonly netPagesFreed: number;
  /** Live allocations at the end by order (allocations made in the trace). */
  readonly liveByOrder: readonly number[];
  /** Pages freed in the trace and not reallocated in it, by the order they were freed with. */
  readonly freedByOrder: readonly number[];
  /** Free pages on the buddy lists in the block before tracing (all zones), or null. */
  readonly buddyFreePagesBefore: number | null;
  /** The same in the block after tracing, or null. */
  readonly buddyFreePagesAfter: number | null;
}

/** (no kernel counterpart) — one sample of the timeline. */
export interface TraceTimelinePoint {
  /** Seconds since the first event. */
  readonly t: number;
  /** Pages of the allocations made in the trace and live at that time. */
  readonly livePages: number;
  /** Certain bugs found so far. */
  readonly certain: number;
  /** Other findings so far (uncertain ones and information). */
  readonly uncertain: number;
}


/** (no kernel counterpart) — the codes of {@link TraceReplay.memoryMap}. */
export const TRACE_MAP_CODES: {
  /** No event of the trace touched these pages. */
  readonly unknown: 0;
  /** Their last event is a free. */
  readonly free: 1;
  /** Part of an allocation live at the end. */
  readonly live: 2;
  /** Named by a certain finding. */
  readonly certain: 3;
  /** Named by an uncertain finding (not counting pre-trace frees). */
  readonly uncertain: 4;
} = Object.freeze({ unknown: 0, free: 1, live: 2, certain: 3, uncertain: 4 } as const);

/** (no kernel counterpart) — counts of the page events the replay applied. */
export interface TraceReplayCounts {
  /** `mm_page_alloc` events with a page. */
  readonly allocs: number;
  /** `mm_page_alloc` events of failed allocations (`page=(null)`): counted, not replayed. */
  readonly failedAllocs: number;
  /** `mm_page_free` (and `mm_page_free_direct`) events. */
  readonly frees: number;
  /** `mm_page_free_batched` (and `mm_pagevec_free`) events: tags, not frees. */
  readonly batched: number;
  /** `mm_page_pcpu_drain` events: moves to the buddy lists, not frees. */
  readonly drains: number;
}

/** (no kernel counterpart) — an unreadable line kept as an example. */
export interface TraceUnparsedExample {
  /** Its line number. */
  readonly line: number;
  /** The line, cut to 200 characters. */
  readonly text: string;
  /** Why it could not be read. */
  readonly reason: string;
}

/** (no kernel counterpart) — unreadable lines: how many, and the first few. */
export interface TraceUnparsedSummary {
  /** How many lines could not be read. */
  readonly count: number;
  /** The first `maxExamples` of them. */
  readonly examples: readonly TraceUnparsedExample[];
}

/** (no kernel counterpart) — how many findings of a kind, by certainty. */
export interface TraceFindingCount {
  /** Certain ones. */
  readonly certain: number;
  /** Uncertain ones. */
  readonly uncertain: number;
}

/** The `trace` file's header and notes — about the trace itself: time span, CPUs, ring buffer, markers. */
export interface TraceInfo {
  /** The first timestamp (seconds; `NaN` if none). */
  readonly firstTs: number;
  /** The last (largest) timestamp. */
  readonly lastTs: number;
  /** The CPUs seen, ascending. */
  readonly cpus: readonly number[];
  /** `entries-in-buffer` from the header; -1 when absent. */
  readonly entriesInBuffer: number;
  /** `entries-written`; above `entriesInBuffer` means the oldest events were overwritten. */
  readonly entriesWritten: number;
  /** Events dropped, by the `[LOST n EVENTS]` notes. */
  readonly lostEvents: number;
  /** The lines of those notes (the first 100). */
  readonly lostLines: readonly number[];
  /** Timestamps that went backwards (on one CPU, or by more than the skew overall). */
  readonly timestampsBackwards: number;
  /** The `=== name` markers (the first 100). */
  readonly markers: readonly TraceMarkerInfo[];
}

/** (no kernel counterpart) — a `=== name` marker of the trace. */
export interface TraceMarkerInfo {
  /** Its name. */
  readonly name: string;
  /** Its line. */
  readonly line: number;
}

/** (no kernel counterpart) — consistency of the tags with the frees. */
export interface TraceChecks {
  /** `mm_page_free_batched` lines whose page's last event is its `mm_page_free`. */
  readonly batchedMatched: number;
  /** The others (old kernels print the tag before the free). */
  readonly batchedUnmatched: number;
  /** `mm_page_pcpu_drain` of a page the replay holds live: a free is missing. */
  readonly drainsOfLive: number;
  /** Lines of the first unmatched tags and drains of live pages. */
  readonly exampleLines: readonly number[];
}

/** `/proc/buddyinfo` before and after — the buddyinfo blocks of a trace. */
export interface TraceBuddyinfoBlocks {
  /** The block after `=== buddyinfo-start` (before tracing), one entry per zone; null when absent. */
  readonly before: readonly TraceBuddyinfoZone[] | null;
  /** The block after `=== buddyinfo-end` (after tracing); null when absent. */
  readonly after: readonly TraceBuddyinfoZone[] | null;
}

/** `max_pfn`, as the trace shows it — the machine sized to fit the pfns seen. */
export interface TraceMachine {
  /** The highest pfn any event touched; -1 when none. */
  readonly maxPfn: number;
  /** Pages: `maxPfn + 1` rounded up to a multiple of 1024. */
  readonly pages: number;
  /** `pages` × 4096. */
  readonly bytes: number;
}

/** `perf kmem stat --page`'s report, with memdesc's rules — what {@link replayTrace} found. Plain data: `JSON.stringify` it (but `memoryMap`). */
export interface TraceReplay {
  /** The source's name (`standard input`, a path, `stream`). */
  readonly source: string;
  /** The model the findings were judged in. */
  readonly model: 'kernel' | 'strict';
  /** Lines read. */
  readonly lines: number;
  /** Events by tracepoint name (other tracepoints included). */
  readonly events: Readonly<Record<string, number>>;
  /** What the replay did with them. */
  readonly replayed: TraceReplayCounts;
  /** Unreadable lines: how many, and the first few with their line numbers. */
  readonly unparsed: TraceUnparsedSummary;
  /** The findings kept (at most `maxFindings` per kind), by line. */
  readonly findings: readonly TraceFinding[];
  /** Every finding counted, kept or not. */
  readonly findingCounts: Readonly<Record<TraceFindingKind, TraceFindingCount>>;
  /** Certain findings of the four bug kinds (a certain `pre-trace-free` is information). */
  readonly certainBugs: number;
  /** Live allocations at the end (made in the trace). */
  readonly liveAtEnd: number;
  /** Their pages. */
  readonly livePagesAtEnd: number;
  /** Them, lowest pfn first. */
  readonly live: readonly TraceLiveAllocation[];
  /** Them grouped, most pages first. */
  readonly leakGroups: readonly TraceLeakGroup[];
  /** The `/proc/buddyinfo` blocks of the trace (`=== buddyinfo-start` / `-end`), each null when absent. */
  readonly buddyinfo: TraceBuddyinfoBlocks;
  /** The replay's own counts, to read beside buddyinfo. */
  readonly view: TraceReplayView;
  /** About the trace itself. */
  readonly trace: TraceInfo;
  /** Consistency of the tags: batched frees matching their free, drains of pages the replay holds live. */
  readonly checks: TraceChecks;
  /** The machine sized to fit the pfns seen. */
  readonly machine: TraceMachine;
  /** Live pages and findings over time (at most `timelinePoints` × 2 samples). */
  readonly timeline: readonly TraceTimelinePoint[];
  /** With `memoryMap: true`: one {@link TRACE_MAP_CODES} code per cell of `pfnsPerCell` pfns. */
  readonly memoryMap: Uint8Array | null;
  /** Pfns per cell of `memoryMap` (1 up to 512 MiB machines, then powers of two). */
  readonly pfnsPerCell: number;
}
