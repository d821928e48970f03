/**
 * The replay engine behind `replayTrace` (replay.ts, whose documentation states the rules it
 * applies): per page frame, the last thing the trace said about it — live (part of an
 * allocation: pfn, order, gfp, task, CPU, timestamp, line), freed (by which free, of which
 * allocation, drained to the buddy lists since?), or unknown. State lives in sparse sections of
 * 32768 pfns created on first touch (SPARSEMEM's idea), so memory follows the pages the trace
 * touches, never the length of the trace. Feed it records in order, then `finish()`. Not part of
 * the public API.
 *
 * @module
 */
import { hexPfn } from '../debug/mm-error.js';
import { __GFP_COMP, __GFP_HARDWALL, __GFP_MOVABLE, gfpToString } from '../page-alloc/gfp.js';
import { PAGE_ALLOC_COSTLY_ORDER, PAGE_SIZE } from '../page-alloc/constants.js';
import type { TracePageEvent, TraceRecord } from './records.js';
import {
  TRACE_FINDING_KINDS,
  TRACE_MAP_CODES,
  type TraceBuddyinfoZone,
  type TraceFindingKind,
  type TraceLiveAllocation,
  type TraceReplay,
  type TraceTimelinePoint,
  type TraceUncertainty,
} from './result.js';

/** The options the engine runs with, checked (replay.ts checks what a caller passed). */
export interface ReplayerOptions {
  readonly model: 'kernel' | 'strict';
  readonly cpuClockSkew: number;
  readonly maxFindings: number;
  readonly maxExamples: number;
  readonly timelinePoints: number;
  readonly memoryMap: boolean;
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

/** The event fields the replay uses. */
type Ev = Pick<TracePageEvent, 'line' | 'task' | 'cpu' | 'ts' | 'pfn' | 'order' | 'gfp' | 'gfpText'>;

/** The replay engine behind `replayTrace`: feed it records in order, then `finish()`. */
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

  constructor(o: ReplayerOptions) {
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
    const groups = new Map<string, { gfp: string; task: string; tasks: Map<string, number>; order: number; count: number; pages: number; oldestAge: number; lines: number[] }>();
    for (const a of live) {
      const task = comm(a.task);
      const key = `${a.gfp}\0${task}\0${a.order}`;
      let g = groups.get(key);
      if (g === undefined) groups.set(key, (g = { gfp: a.gfp, task, tasks: new Map(), order: a.order, count: 0, pages: 0, oldestAge: 0, lines: [] }));
      g.count++;
      g.pages += 2 ** a.order;
      g.tasks.set(a.task, (g.tasks.get(a.task) ?? 0) + 1);
      if (a.age > g.oldestAge) g.oldestAge = a.age;
      g.lines.push(a.line);
    }
    const leakGroups = [...groups.values()].map((g) => ({
      ...g,
      tasks: [...g.tasks].map(([task, count]) => ({ task, count })).sort((x, y) => y.count - x.count || (x.task < y.task ? -1 : 1)),
      lines: g.lines.sort((x, y) => x - y).slice(0, 5),
    }));
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
      leakGroups: leakGroups.sort((a, b) => b.pages - a.pages || b.count - a.count || (a.task < b.task ? -1 : 1)),
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
