/**
 * Replays a page-allocator trace through memdesc's ownership rules: every block has one owner
 * from `mm_page_alloc` to `mm_page_free`, is freed whole, with the order it was allocated with,
 * through its head page, once. What the trace shows against those rules becomes a finding, with
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
import { MmError, hexPfn, invalidArgument } from '../debug/mm-error.js';
import { __GFP_COMP, __GFP_HARDWALL, __GFP_MOVABLE, gfpToString } from '../page-alloc/gfp.js';
import { PAGE_ALLOC_COSTLY_ORDER, PAGE_SIZE } from '../page-alloc/constants.js';
import { checkTraceSource, replayParser, openTraceLines, traceSourceName, type TraceRecord, type TraceSource } from './parse.js';

/** `BUG: Bad page state` reasons, as a trace shows them — the kinds of finding. */
export type TraceFindingKind = 'double-free' | 'wrong-order' | 'tail-free' | 'overlap' | 'pre-trace-free';

/** (no kernel counterpart) — every {@link TraceFindingKind}; the four bugs first. */
export const TRACE_FINDING_KINDS: readonly TraceFindingKind[] = ['double-free', 'wrong-order', 'tail-free', 'overlap', 'pre-trace-free'];

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
export const TRACE_UNCERTAINTY_TEXT: Readonly<Record<TraceUncertainty, string>> = {
  'not-allocated-in-trace': 'the first free was of a block whose allocation is not in the trace',
  'returned-to-buddy': 'the page was on the buddy lists between the frees (an mm_page_pcpu_drain moved it there, or it was freed there directly, being of order > 3): compaction, alloc_contig_range and pcp refills for alloc_pages_bulk take pages from there without mm_page_alloc',
  'order-0-untraced-alloc': 'an order-0 page on a per-CPU list can be taken by alloc_pages_bulk(), which emits no mm_page_alloc',
  'different-block': 'the second free names another block or order than the first: the pieces were reused after an untraced split',
  split: 'split_page()/split_folio() can split the allocation without an event, after which its pieces are freed one by one',
  'allocation-not-in-trace': 'allocated before tracing began, or by a path that emits no mm_page_alloc',
  'cpu-reorder': 'the conflicting events ran on different CPUs within the clock skew: in the other order they are a normal free and allocation',
  'events-lost': 'the ring buffer lost events between the evidence lines',
  'timestamps-out-of-order': 'timestamps go backwards between the evidence lines',
};

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
  /** The task's name (comm), without its pid. */
  readonly task: string;
  /** The order. */
  readonly order: number;
  /** Live allocations in the group. */
  readonly count: number;
  /** Their pages. */
  readonly pages: number;
  /** Age of the oldest, in seconds. */
  readonly oldestAge: number;
  /** The earliest five `mm_page_alloc` lines, ascending. */
  readonly lines: readonly number[];
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
} = { unknown: 0, free: 1, live: 2, certain: 3, uncertain: 4 };

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

const LIVE = 1;
const FREED = 2;
const DISPLACED = 3;

/** A block the trace talks about: an allocation (live, freed or displaced), or a free of an unknown block. */
class Block {
  state: number;
  pfn: number;
  order: number;
  /** The allocation (allocLine -1: not in the trace). */
  allocLine: number;
  allocTs: number;
  allocCpu: number;
  task: string;
  gfp: number;
  gfpText: string;
  /** The free that ended it (freeLine -1: none seen). */
  freeLine = -1;
  freeCpu = -1;
  freeTask = '';
  freePfn = -1;
  freeOrder = -1;
  drainLine = -1;
  batchedLine = -1;
  /** While displaced: the allocation that overlapped it, and the overlap finding. */
  displacedBy: Block | null = null;
  finding: Finding | null = null;
  constructor(state: number, pfn: number, order: number, allocLine: number, allocTs: number, allocCpu: number, task: string, gfp: number, gfpText: string) {
    this.state = state;
    this.pfn = pfn;
    this.order = order;
    this.allocLine = allocLine;
    this.allocTs = allocTs;
    this.allocCpu = allocCpu;
    this.task = task;
    this.gfp = gfp;
    this.gfpText = gfpText;
  }
}

interface Finding {
  kind: TraceFindingKind;
  certain: boolean;
  pfn: number;
  order: number;
  lines: number[];
  line: number;
  ts: number;
  cpu: number;
  task: string;
  because: TraceUncertainty[];
  message: string;
  other: { pfn: number; order: number; line: number; task: string } | null;
}

interface PendingDouble {
  finding: Finding;
  block: Block;
  cpu: number;
  ts: number;
  order: number;
}

const SECTION_SHIFT = 15;
const SECTION_PFNS = 1 << SECTION_SHIFT;
const SECTION_MASK = SECTION_PFNS - 1;

function newSection(): (Block | null)[] {
  return new Array<Block | null>(SECTION_PFNS).fill(null);
}

const comm = (task: string) => task.replace(/-\d+$/, '');

/** The event fields the replay uses (a {@link TracePageEvent} fits). */
interface Ev {
  readonly line: number;
  readonly task: string;
  readonly cpu: number;
  readonly ts: number;
  readonly pfn: number;
  readonly order: number;
  readonly gfp: number | null;
  readonly gfpText: string;
}

/**
 * The replay engine behind {@link replayTrace}: feed it records in order, then `finish()`. Not part
 * of the public API (index.ts does not export it).
 */
export class TraceReplayer {
  readonly #model: 'kernel' | 'strict';
  readonly #skew: number;
  readonly #maxFindings: number;
  readonly #maxExamples: number;
  readonly #points: number;
  readonly #wantMap: boolean;

  readonly #sections = new Map<number, (Block | null)[]>();
  #secNo = -1;
  #sec: (Block | null)[] | null = null;

  #lines = 0;
  readonly #events = new Map<string, { n: number }>();
  #lastName = '';
  #lastCounter: { n: number } = { n: 0 };
  #allocs = 0;
  #failedAllocs = 0;
  #frees = 0;
  #batched = 0;
  #drains = 0;
  #pagesAllocated = 0;
  #pagesFreed = 0;
  #livePages = 0;
  #maxPfn = -1;

  #unparsed = 0;
  readonly #examples: { line: number; text: string; reason: string }[] = [];
  readonly #findings: Finding[] = [];
  readonly #kept = new Map<TraceFindingKind, number>();
  readonly #counts = Object.fromEntries(TRACE_FINDING_KINDS.map((k) => [k, { certain: 0, uncertain: 0 }])) as Record<TraceFindingKind, { certain: number; uncertain: number }>;
  #certainBugs = 0;
  #otherFindings = 0;

  readonly #displaced = new Map<number, Block>();
  readonly #pending = new Map<number, PendingDouble>();

  #firstTs = NaN;
  #lastTs = NaN;
  /** Last timestamp per CPU (NaN: CPU not seen). */
  #cpuTs = new Float64Array(64).fill(NaN);
  #backwards = 0;
  #lastDisorderLine = -1;
  #lostEvents = 0;
  readonly #lostLines: number[] = [];
  #lastLostLine = -1;
  #entriesInBuffer = -1;
  #entriesWritten = -1;
  readonly #markers: { name: string; line: number }[] = [];
  readonly #buddy: { start: TraceBuddyinfoZone[] | null; end: TraceBuddyinfoZone[] | null } = { start: null, end: null };

  #batchedMatched = 0;
  #batchedUnmatched = 0;
  #drainsOfLive = 0;
  readonly #checkLines: number[] = [];

  readonly #timeline: TraceTimelinePoint[] = [];
  #sampleEvery = 64;
  #sinceSample = 0;

  constructor(options: ReplayTraceOptions = {}) {
    const o = checkOptions(options, 'replayTrace');
    this.#model = o.model;
    this.#skew = o.cpuClockSkew;
    this.#maxFindings = o.maxFindings;
    this.#maxExamples = o.maxExamples;
    this.#points = o.timelinePoints;
    this.#wantMap = o.memoryMap;
  }

  /** Applies one record. */
  feed(r: TraceRecord): void {
    switch (r.type) {
      case 'page':
        this.#count(r.name);
        this.#time(r.cpu, r.ts, r.line);
        switch (r.op) {
          case 'alloc':
            if (r.pfn < 0) this.#failedAllocs++;
            else this.#alloc(r);
            break;
          case 'free':
            this.#free(r);
            break;
          case 'batched':
            this.#batchedFree(r.pfn, r.line);
            break;
          case 'drain':
            this.#drain(r.pfn, r.order, r.line);
            break;
          case 'internal':
            break;
        }
        if (++this.#sinceSample >= this.#sampleEvery) this.#sample();
        return;
      case 'event':
        this.#count(r.name);
        return;
      case 'unparsed':
        this.#unparsed++;
        if (this.#examples.length < this.#maxExamples) this.#examples.push({ line: r.line, text: r.text, reason: r.reason });
        return;
      case 'buddyinfo': {
        if (r.which === null) return;
        const zones = (this.#buddy[r.which] ??= []);
        zones.push({ node: r.node, zone: r.zone, nrFree: r.nrFree, freePages: r.nrFree.reduce((s, n, o) => s + n * 2 ** o, 0), line: r.line });
        return;
      }
      case 'marker':
        if (this.#markers.length < 100) this.#markers.push({ name: r.name, line: r.line });
        return;
      case 'lost':
        this.#lostEvents += r.count;
        this.#lastLostLine = r.line;
        if (this.#lostLines.length < 100) this.#lostLines.push(r.line);
        return;
      case 'header':
        if (r.entriesWritten >= 0) {
          this.#entriesInBuffer = r.entriesInBuffer;
          this.#entriesWritten = r.entriesWritten;
        }
        return;
    }
  }

  #count(name: string): void {
    if (name === this.#lastName) {
      this.#lastCounter.n++;
      return;
    }
    let c = this.#events.get(name);
    if (c === undefined) this.#events.set(name, (c = { n: 0 }));
    c.n++;
    this.#lastName = name;
    this.#lastCounter = c;
  }

  #time(cpu: number, ts: number, line: number): void {
    if (ts !== ts) return; // NaN: the layout has no timestamps
    if (this.#firstTs !== this.#firstTs) this.#firstTs = ts;
    if (ts < this.#lastTs - this.#skew) {
      this.#backwards++;
      this.#lastDisorderLine = line;
    } else if (cpu >= 0 && cpu < this.#cpuTs.length && ts < this.#cpuTs[cpu]!) {
      this.#backwards++;
      this.#lastDisorderLine = line;
    }
    if (cpu >= 0) {
      if (cpu >= this.#cpuTs.length) {
        if (cpu >= 1 << 16) return;
        const grown = new Float64Array(Math.max(cpu + 1, 2 * this.#cpuTs.length)).fill(NaN);
        grown.set(this.#cpuTs);
        this.#cpuTs = grown;
      }
      this.#cpuTs[cpu] = ts;
    }
    if (!(ts <= this.#lastTs)) this.#lastTs = ts;
  }

  /* ---------------------------------------------------------------- per-pfn state */

  #get(pfn: number): Block | null {
    const no = pfn >>> SECTION_SHIFT;
    if (no !== this.#secNo) {
      this.#secNo = no;
      this.#sec = this.#sections.get(no) ?? null;
    }
    return this.#sec === null ? null : this.#sec[pfn & SECTION_MASK]!;
  }

  #set(pfn: number, n: number, b: Block | null): void {
    const end = pfn + n;
    if (end - 1 > this.#maxPfn) this.#maxPfn = end - 1;
    for (let p = pfn; p < end; ) {
      const no = p >>> SECTION_SHIFT;
      let sec = this.#sections.get(no);
      if (sec === undefined) {
        sec = newSection();
        this.#sections.set(no, sec);
        if (no === this.#secNo) this.#sec = sec;
      }
      const stop = Math.min(end, (no + 1) * SECTION_PFNS);
      for (; p < stop; p++) sec[p & SECTION_MASK] = b;
    }
  }

  /** Points the non-live pages of a range at `b`. */
  #setUnlessLive(pfn: number, n: number, b: Block): void {
    for (let p = pfn; p < pfn + n; p++) {
      const cur = this.#get(p);
      if (cur === null || cur.state !== LIVE) this.#set(p, 1, b);
    }
  }

  /* ---------------------------------------------------------------- findings */

  /** Gaps of the trace between `fromLine` and now. */
  #gaps(fromLine: number, because: TraceUncertainty[]): TraceUncertainty[] {
    if (this.#lastLostLine > fromLine) because.push('events-lost');
    if (this.#lastDisorderLine > fromLine) because.push('timestamps-out-of-order');
    return because;
  }

  #find(kind: TraceFindingKind, e: Ev, lines: number[], because: TraceUncertainty[], message: string, other: Block | null): Finding {
    const ls = [...new Set(lines.filter((l) => l >= 0))].sort((a, b) => a - b);
    const f: Finding = {
      kind,
      certain: because.length === 0,
      pfn: e.pfn,
      order: e.order,
      lines: ls,
      line: e.line,
      ts: e.ts,
      cpu: e.cpu,
      task: e.task,
      because,
      message,
      other: other === null ? null : { pfn: other.pfn, order: other.order, line: other.allocLine >= 0 ? other.allocLine : other.freeLine, task: other.allocLine >= 0 ? other.task : other.freeTask },
    };
    const kept = this.#kept.get(kind) ?? 0;
    this.#kept.set(kind, kept + 1);
    if (kept < this.#maxFindings) this.#findings.push(f);
    this.#counts[kind][f.certain ? 'certain' : 'uncertain']++;
    if (f.certain && kind !== 'pre-trace-free') this.#certainBugs++;
    else this.#otherFindings++;
    return f;
  }

  /** A certain finding turns out to have another explanation. */
  #demote(f: Finding, why: TraceUncertainty): void {
    if (f.because.includes(why)) return;
    if (f.certain) {
      this.#counts[f.kind].certain--;
      this.#counts[f.kind].uncertain++;
      if (f.kind !== 'pre-trace-free') {
        this.#certainBugs--;
        this.#otherFindings++;
      }
    }
    f.because.push(why);
    f.certain = false;
  }

  /**
   * Could the kernel have split this allocation without an event? A non-compound block
   * (`split_page()`), or a folio of user memory — anonymous or page cache, allocated with
   * `__GFP_MOVABLE` or `__GFP_HARDWALL` (the GFP_USER family) — which `split_folio()` splits. Not
   * a compound block of kernel memory (slab, kmalloc_large, page_frag…). Unknown flags: maybe.
   */
  #splittable(b: Block): boolean {
    if (b.gfp < 0) return true;
    return (b.gfp & __GFP_COMP) === 0 || (b.gfp & (__GFP_MOVABLE | __GFP_HARDWALL)) !== 0;
  }

  /* ---------------------------------------------------------------- events */

  #alloc(e: Ev): void {
    this.#allocs++;
    const n = 2 ** e.order;
    // Reordered across CPUs: a double free just before, on another CPU, within the skew — in the
    // other order this allocation came first and that free freed it.
    const pd = this.#pending.get(e.pfn);
    if (pd !== undefined) {
      this.#pending.delete(e.pfn);
      if (pd.order === e.order && pd.cpu !== e.cpu && pd.cpu >= 0 && e.cpu >= 0 && e.ts - pd.ts <= this.#skew && pd.block.state === FREED && this.#get(e.pfn) === pd.block) {
        this.#demote(pd.finding, 'cpu-reorder');
        const b = pd.block;
        b.allocLine = e.line;
        b.allocTs = e.ts;
        b.allocCpu = e.cpu;
        b.task = e.task;
        b.gfp = e.gfp ?? -1;
        b.gfpText = e.gfpText;
        this.#pagesAllocated += n;
        return;
      }
    }
    const a = new Block(LIVE, e.pfn, e.order, e.line, e.ts, e.cpu, e.task, e.gfp ?? -1, e.gfpText);
    let first: Block | null = null;
    let finding: Finding | null = null;
    for (let p = e.pfn; p < e.pfn + n; p++) {
      const cur = this.#get(p);
      if (cur === null || cur.state !== LIVE) continue;
      // An allocation over a live one: the live one's free is not in the trace.
      if (first === null) {
        first = cur;
        finding = this.#find(
          'overlap',
          e,
          [cur.allocLine, e.line],
          this.#gaps(cur.allocLine, []),
          `mm_page_alloc of pfn ${hexPfn(e.pfn)} (order ${e.order}) by ${e.task || '?'} overlaps the live order-${cur.order} allocation at pfn ${hexPfn(cur.pfn)} (line ${cur.allocLine}, ${cur.task || '?'}): its free is not in the trace`,
          cur,
        );
      }
      cur.state = DISPLACED;
      cur.displacedBy = a;
      cur.finding = finding;
      this.#livePages -= 2 ** cur.order;
      this.#displaced.set(cur.pfn, cur);
      if (this.#displaced.size > 4096) this.#expire(e.ts);
    }
    this.#set(e.pfn, n, a);
    this.#livePages += n;
    this.#pagesAllocated += n;
  }

  #expire(now: number): void {
    for (const [k, d] of this.#displaced) if (!(now - (d.displacedBy?.allocTs ?? now) <= this.#skew)) this.#displaced.delete(k);
    for (const [k, p] of this.#pending) if (!(now - p.ts <= this.#skew)) this.#pending.delete(k);
  }

  #markFreed(b: Block, e: Ev): void {
    b.state = FREED;
    b.freeLine = e.line;
    b.freeCpu = e.cpu;
    b.freeTask = e.task;
    b.freePfn = e.pfn;
    b.freeOrder = e.order;
    b.displacedBy = null;
  }

  #free(e: Ev): void {
    this.#frees++;
    const n = 2 ** e.order;
    this.#pagesFreed += n;
    // The late free of a block an allocation displaced.
    const d = this.#displaced.get(e.pfn);
    if (d !== undefined && d.state === DISPLACED && d.order === e.order) {
      const a = d.displacedBy;
      const cur = this.#get(e.pfn);
      // Within the skew on another CPU than the allocation that displaced it: in the other order
      // this free came first, and there was no overlap.
      const reorder = a !== null && a.allocCpu !== e.cpu && a.allocCpu >= 0 && e.cpu >= 0 && e.ts - a.allocTs <= this.#skew;
      if (cur === d || (reorder && cur === a)) {
        this.#displaced.delete(e.pfn);
        if (reorder && d.finding !== null) this.#demote(d.finding, 'cpu-reorder');
        this.#markFreed(d, e); // the pages it still holds; the displacing allocation keeps its own
        return;
      }
    }
    const b = this.#get(e.pfn);
    if (b === null) return this.#unknownFree(e, n);
    if (b.state === LIVE) return this.#liveFree(b, e, n);
    if (b.state === DISPLACED) {
      // Its free came after the window: the overlap stands; the pages it still holds are free now.
      this.#markFreed(b, e);
      return;
    }
    // FREED: the last event of this page is a free.
    if (b.freeLine < 0) return this.#unknownFree(e, n, b);
    const because: TraceUncertainty[] = [];
    if (b.allocLine < 0 && this.#model === 'kernel') because.push('not-allocated-in-trace');
    if (this.#model === 'kernel') {
      // Drained from a per-CPU list, or never on one: blocks above PAGE_ALLOC_COSTLY_ORDER are
      // freed straight to the buddy lists.
      if (b.drainLine >= 0 || b.freeOrder > PAGE_ALLOC_COSTLY_ORDER) because.push('returned-to-buddy');
      if (e.order === 0) because.push('order-0-untraced-alloc');
      if (e.pfn !== b.freePfn || e.order !== b.freeOrder) because.push('different-block');
    }
    const from = b.allocLine >= 0 ? b.allocLine : b.freeLine;
    this.#gaps(from, because);
    const f = this.#find(
      'double-free',
      e,
      [b.allocLine, b.freeLine, b.drainLine, e.line],
      because,
      `double free of pfn ${hexPfn(e.pfn)} (order ${e.order}) by ${e.task || '?'}: freed at line ${b.freeLine} (${b.freeTask || '?'}` +
        `${b.freeCpu >= 0 ? `, CPU ${b.freeCpu}` : ''}), no mm_page_alloc between` +
        (b.allocLine >= 0 ? `; allocated at line ${b.allocLine} (${b.task || '?'})` : '; its allocation is not in the trace'),
      b,
    );
    const f2 = new Block(FREED, e.pfn, e.order, -1, NaN, -1, '', -1, '');
    this.#markFreed(f2, e);
    this.#setUnlessLive(e.pfn, n, f2);
    this.#pending.set(e.pfn, { finding: f, block: f2, cpu: e.cpu, ts: e.ts, order: e.order });
    if (this.#pending.size > 4096) this.#expire(e.ts);
  }

  /** A free of a page the trace has not seen allocated (nor freed). */
  #unknownFree(e: Ev, n: number, drained: Block | null = null): void {
    const because: TraceUncertainty[] = this.#model === 'kernel' ? ['allocation-not-in-trace'] : [];
    this.#find(
      'pre-trace-free',
      e,
      [drained?.drainLine ?? -1, e.line],
      because,
      `pfn ${hexPfn(e.pfn)} (order ${e.order}) freed by ${e.task || '?'}; its allocation is not in the trace` +
        (drained !== null ? ` (it was free at line ${drained.drainLine}, mm_page_pcpu_drain)` : ''),
      null,
    );
    const f = new Block(FREED, e.pfn, e.order, -1, NaN, -1, '', -1, '');
    this.#markFreed(f, e);
    // A live allocation inside the freed range: this free gives its pages back too.
    for (let p = e.pfn; p < e.pfn + n; p++) {
      const cur = this.#get(p);
      if (cur !== null && cur.state === LIVE) {
        this.#find(
          'wrong-order',
          e,
          [cur.allocLine, e.line],
          this.#gaps(cur.allocLine, this.#model === 'kernel' ? ['allocation-not-in-trace'] : []),
          `free of pfn ${hexPfn(e.pfn)} with order ${e.order} covers the live order-${cur.order} allocation at pfn ${hexPfn(cur.pfn)} (line ${cur.allocLine})`,
          cur,
        );
        break;
      }
    }
    this.#setUnlessLive(e.pfn, n, f);
  }

  /** A free of a page inside a live allocation. */
  #liveFree(b: Block, e: Ev, n: number): void {
    const size = 2 ** b.order;
    if (b.pfn === e.pfn && b.order === e.order) {
      this.#markFreed(b, e);
      this.#livePages -= n;
      return;
    }
    if (b.pfn === e.pfn && e.order > b.order) {
      // Freed more than allocated: no split explains it.
      this.#find(
        'wrong-order',
        e,
        [b.allocLine, e.line],
        this.#gaps(b.allocLine, []),
        `pfn ${hexPfn(e.pfn)} freed with order ${e.order} by ${e.task || '?'}, allocated with order ${b.order} at line ${b.allocLine} (${b.task || '?'})`,
        b,
      );
      this.#markFreed(b, e);
      this.#livePages -= size;
      const rest = new Block(FREED, e.pfn, e.order, -1, NaN, -1, '', -1, '');
      this.#markFreed(rest, e);
      this.#setUnlessLive(e.pfn + size, n - size, rest);
      return;
    }
    const kind: TraceFindingKind = b.pfn === e.pfn ? 'wrong-order' : 'tail-free';
    const inside = e.pfn + n <= b.pfn + size && e.pfn % n === 0;
    const because: TraceUncertainty[] = [];
    if (inside && this.#model === 'kernel' && this.#splittable(b)) because.push('split');
    this.#gaps(b.allocLine, because);
    const what = `the order-${b.order} allocation at pfn ${hexPfn(b.pfn)} (line ${b.allocLine}, ${b.task || '?'}, ${b.gfpText || 'gfp unknown'})`;
    this.#find(
      kind,
      e,
      [b.allocLine, e.line],
      because,
      kind === 'wrong-order'
        ? `pfn ${hexPfn(e.pfn)} freed with order ${e.order} by ${e.task || '?'}, allocated with order ${b.order} at line ${b.allocLine} (${b.task || '?'})`
        : `free of pfn ${hexPfn(e.pfn)} (order ${e.order}) by ${e.task || '?'} is a tail page of ${what}, not its head`,
      b,
    );
    if (!inside) {
      // Not a piece of it: the kernel gave back whatever the free named; so does the replay.
      this.#markFreed(b, e);
      this.#livePages -= size;
      const rest = new Block(FREED, e.pfn, e.order, -1, NaN, -1, '', -1, '');
      this.#markFreed(rest, e);
      this.#setUnlessLive(e.pfn, n, rest);
      return;
    }
    // Carve the freed piece out; the rest stays live as the aligned blocks a split leaves.
    const freed = new Block(FREED, e.pfn, e.order, b.allocLine, b.allocTs, b.allocCpu, b.task, b.gfp, b.gfpText);
    this.#markFreed(freed, e);
    this.#set(e.pfn, n, freed);
    let lo = b.pfn;
    for (let o = b.order - 1; o >= e.order; o--) {
      const half = 2 ** o;
      const at = e.pfn >= lo + half ? lo : lo + half;
      if (e.pfn >= lo + half) lo += half;
      const piece = new Block(LIVE, at, o, b.allocLine, b.allocTs, b.allocCpu, b.task, b.gfp, b.gfpText);
      this.#set(at, half, piece);
    }
    b.state = FREED; // superseded by its pieces; no page points at it any more
    this.#livePages -= n;
  }

  #batchedFree(pfn: number, line: number): void {
    this.#batched++;
    const b = pfn >= 0 ? this.#get(pfn) : null;
    if (b !== null && b.state === FREED && b.freeLine >= 0 && b.batchedLine < 0) {
      b.batchedLine = line;
      this.#batchedMatched++;
    } else {
      this.#batchedUnmatched++;
      if (this.#checkLines.length < 20) this.#checkLines.push(line);
    }
  }

  #drain(pfn: number, order: number, line: number): void {
    this.#drains++;
    if (pfn < 0) return;
    const n = 2 ** order;
    let fresh: Block | null = null;
    for (let p = pfn; p < pfn + n; p++) {
      const b = this.#get(p);
      if (b === null) {
        fresh ??= new Block(FREED, pfn, order, -1, NaN, -1, '', -1, '');
        fresh.drainLine = line;
        this.#set(p, 1, fresh);
      } else if (b.state === FREED || b.state === DISPLACED) {
        if (b.state === DISPLACED) b.state = FREED;
        if (b.drainLine < 0 || b.drainLine < b.freeLine) b.drainLine = line;
      } else {
        this.#drainsOfLive++;
        if (this.#checkLines.length < 20) this.#checkLines.push(line);
        break;
      }
    }
  }

  #sample(): void {
    this.#sinceSample = 0;
    const t = this.#lastTs === this.#lastTs ? this.#lastTs - this.#firstTs : this.#timeline.length;
    this.#timeline.push({ t, livePages: this.#livePages, certain: this.#certainBugs, uncertain: this.#otherFindings });
    if (this.#timeline.length >= 2 * this.#points) {
      for (let i = 0; i < this.#points; i++) this.#timeline[i] = this.#timeline[2 * i + 1]!;
      this.#timeline.length = this.#points;
      this.#sampleEvery *= 2;
    }
  }

  /* ---------------------------------------------------------------- the end */

  /** The result. */
  finish(source: string, lines: number): TraceReplay {
    this.#lines = lines;
    this.#sample();
    const lastTs = this.#lastTs;
    const live: TraceLiveAllocation[] = [];
    const freedByOrder: number[] = [];
    const liveByOrder: number[] = [];
    const secNos = [...this.#sections.keys()].sort((a, b) => a - b);
    for (const no of secNos) {
      const sec = this.#sections.get(no)!;
      for (let i = 0; i < SECTION_PFNS; i++) {
        const b = sec[i]!;
        if (b === null) continue;
        const pfn = no * SECTION_PFNS + i;
        if (b.state === LIVE && b.pfn === pfn) {
          live.push({ pfn, order: b.order, gfp: b.gfp >= 0 ? gfpToString(b.gfp) : b.gfpText || 'unknown', task: b.task, cpu: b.allocCpu, ts: b.allocTs, age: lastTs - b.allocTs, line: b.allocLine });
          liveByOrder[b.order] = (liveByOrder[b.order] ?? 0) + 1;
        } else if (b.state === FREED && b.freeLine >= 0 && b.freePfn === pfn) {
          freedByOrder[b.freeOrder] = (freedByOrder[b.freeOrder] ?? 0) + 1;
        }
      }
    }
    const groups = new Map<string, { gfp: string; task: string; order: number; count: number; pages: number; oldestAge: number; lines: number[] }>();
    for (const a of live) {
      const task = comm(a.task);
      const key = `${a.gfp}\0${task}\0${a.order}`;
      let g = groups.get(key);
      if (g === undefined) groups.set(key, (g = { gfp: a.gfp, task, order: a.order, count: 0, pages: 0, oldestAge: 0, lines: [] }));
      g.count++;
      g.pages += 2 ** a.order;
      if (a.age > g.oldestAge) g.oldestAge = a.age;
      g.lines.push(a.line);
    }
    for (const g of groups.values()) g.lines = g.lines.sort((x, y) => x - y).slice(0, 5);
    const counts = Object.fromEntries(TRACE_FINDING_KINDS.map((k) => [k, { ...this.#counts[k] }])) as Record<TraceFindingKind, { certain: number; uncertain: number }>;
    const findings = this.#findings.slice().sort((a, b) => a.line - b.line);
    const sum = (zs: readonly TraceBuddyinfoZone[] | null) => (zs === null ? null : zs.reduce((s, z) => s + z.freePages, 0));
    const maxPfn = this.#maxPfn;
    const pages = maxPfn < 0 ? 0 : Math.ceil((maxPfn + 1) / 1024) * 1024;
    let memoryMap: Uint8Array | null = null;
    let pfnsPerCell = 1;
    if (this.#wantMap && pages > 0) {
      while (pages / pfnsPerCell > 1 << 17) pfnsPerCell *= 2; // a picture: at most 131072 cells
      memoryMap = this.#map(pages, pfnsPerCell, findings);
    }
    return {
      source,
      model: this.#model,
      lines: this.#lines,
      events: Object.fromEntries([...this.#events].map(([k, c]) => [k, c.n] as const).sort((a, b) => (a[0] < b[0] ? -1 : 1))),
      replayed: { allocs: this.#allocs, failedAllocs: this.#failedAllocs, frees: this.#frees, batched: this.#batched, drains: this.#drains },
      unparsed: { count: this.#unparsed, examples: this.#examples },
      findings,
      findingCounts: counts,
      certainBugs: this.#certainBugs,
      liveAtEnd: live.length,
      livePagesAtEnd: this.#livePages,
      live,
      leakGroups: [...groups.values()].sort((a, b) => b.pages - a.pages || b.count - a.count || (a.task < b.task ? -1 : 1)),
      buddyinfo: { before: this.#buddy.start, after: this.#buddy.end },
      view: {
        pagesAllocated: this.#pagesAllocated,
        pagesFreed: this.#pagesFreed,
        netPagesFreed: this.#pagesFreed - this.#pagesAllocated,
        liveByOrder: Array.from(liveByOrder, (x) => x ?? 0),
        freedByOrder: Array.from(freedByOrder, (x) => x ?? 0),
        buddyFreePagesBefore: sum(this.#buddy.start),
        buddyFreePagesAfter: sum(this.#buddy.end),
      },
      trace: {
        firstTs: this.#firstTs,
        lastTs,
        cpus: [...this.#cpuTs.keys()].filter((c) => this.#cpuTs[c] === this.#cpuTs[c]),
        entriesInBuffer: this.#entriesInBuffer,
        entriesWritten: this.#entriesWritten,
        lostEvents: this.#lostEvents,
        lostLines: this.#lostLines,
        timestampsBackwards: this.#backwards,
        markers: this.#markers,
      },
      checks: { batchedMatched: this.#batchedMatched, batchedUnmatched: this.#batchedUnmatched, drainsOfLive: this.#drainsOfLive, exampleLines: this.#checkLines },
      machine: { maxPfn, pages, bytes: pages * PAGE_SIZE },
      timeline: this.#timeline,
      memoryMap,
      pfnsPerCell,
    };
  }

  #map(pages: number, per: number, findings: readonly Finding[]): Uint8Array {
    const cells = Math.ceil(pages / per);
    const codes = new Uint8Array(cells);
    for (const [no, sec] of this.#sections) {
      for (let i = 0; i < SECTION_PFNS; i++) {
        const b = sec[i]!;
        if (b === null) continue;
        const cell = Math.floor((no * SECTION_PFNS + i) / per);
        if (cell >= cells) continue;
        const code = b.state === LIVE ? TRACE_MAP_CODES.live : TRACE_MAP_CODES.free;
        if (code > codes[cell]!) codes[cell] = code; // live beats free in a shared cell
      }
    }
    // Priority of a cell's code: certain > uncertain > live > free > unknown.
    const prio = [0, 1, 2, 4, 3];
    for (const f of findings) {
      if (f.kind === 'pre-trace-free') continue;
      const code = f.certain ? TRACE_MAP_CODES.certain : TRACE_MAP_CODES.uncertain;
      for (let p = f.pfn; p < f.pfn + 2 ** f.order; p++) {
        const cell = Math.floor(p / per);
        if (cell < cells && prio[code]! > prio[codes[cell]!]!) codes[cell] = code;
      }
    }
    return codes;
  }
}

interface CheckedOptions {
  model: 'kernel' | 'strict';
  cpuClockSkew: number;
  maxFindings: number;
  maxExamples: number;
  timelinePoints: number;
  memoryMap: boolean;
}

function checkOptions(options: unknown, fn: string): CheckedOptions {
  if (typeof options !== 'object' || options === null) invalidArgument(fn, 'options must be an object', options);
  const o = options as Record<string, unknown>;
  const known = ['model', 'cpuClockSkew', 'maxFindings', 'maxExamples', 'timelinePoints', 'memoryMap'];
  for (const k of Object.keys(o)) if (!known.includes(k)) invalidArgument(fn, `unknown option "${k}" (known: ${known.join(', ')})`, o[k]);
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
 * **Gotchas**: a real kernel's trace is not a complete record (see the rules in this module's
 * documentation): `alloc_pages_bulk()` allocates without an event, so in the default `'kernel'`
 * model an order-0 double free is never certain; pass `model: 'strict'` for a trace known to be
 * complete. A bad source (no such file, a directory, a corrupt gzip stream, a wrong type) or a
 * bad option rejects with `MmError` `INVALID_ARGUMENT`; unreadable lines are counted and kept as
 * examples with their line numbers, never thrown. Memory follows the pages the trace touches,
 * not its length.
 *
 * @example
 * ```ts
 * import { Readable } from 'node:stream';
 * import { replayTrace } from 'memdesc';
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
  const replayer = new TraceReplayer(options);
  const parser = replayParser();
  const lines = await openTraceLines(source, 'replayTrace');
  let n = 0;
  try {
    for await (const batch of lines) {
      for (let i = 0; i < batch.length; i++) {
        const r = parser.parseLine(batch[i]!, ++n);
        if (r !== null) replayer.feed(r);
      }
    }
  } catch (e) {
    if (e instanceof MmError) throw e;
    throw new MmError('INVALID_ARGUMENT', `replayTrace(): cannot read trace ${JSON.stringify(traceSourceName(source))}: ${(e as Error).message}`);
  }
  return replayer.finish(traceSourceName(source), n);
}
