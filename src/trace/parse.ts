/**
 * A streaming reader of the kernel's ftrace text output for the page allocator's tracepoints
 * (`include/trace/events/kmem.h`): `mm_page_alloc`, `mm_page_free`, `mm_page_free_batched`,
 * `mm_page_pcpu_drain`, tolerant of `mm_page_alloc_zone_locked`, `mm_page_alloc_extfrag` and
 * the old kernels' `mm_page_free_direct` / `mm_pagevec_free`.
 *
 * It reads what `cat /sys/kernel/tracing/trace`, `trace_pipe`, `trace-cmd report` and
 * `perf script` print, the function_graph tracer's `/* mm_page_alloc: … *\/` comment lines, and
 * the `=== buddyinfo-start` / `=== buddyinfo-end` / `=== trace-begin` / `=== trace-end` markers
 * of the shared sample (`../shared/traces/`), with their `/proc/buddyinfo` blocks.
 *
 * The hot path is a prefix check (`indexOf(': mm_page')`) and field extraction with `indexOf` and
 * `charCodeAt`, no regular expression; everything else (headers, markers, buddyinfo, other
 * tracers' layouts) goes through a slower path that is rare in a kmem trace.
 *
 * @module
 */
import { createReadStream, type ReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { Readable, pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { MmError, describeValue, invalidArgument } from '../debug/mm-error.js';
import { parseGfp } from '../page-alloc/gfp.js';

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

/**
 * (no kernel counterpart) — where a trace comes from: a file path (plain or gzip), `'-'` for standard input, a readable
 * stream, an async iterable of chunks, or the bytes themselves. Gzip is recognised by its magic
 * number, not by the file name.
 */
export type TraceSource = string | NodeJS.ReadableStream | AsyncIterable<string | Uint8Array> | Uint8Array;

/**
 * `MAX_PAGE_ORDER` of any traced kernel, at most — orders above it are unreadable lines (x86 uses
 * 0..10; arm64 with 64 KiB pages goes to 13).
 */
export const MAX_TRACE_ORDER = 20;
/** Pfns at or above 2^40 (4 EiB of 4 KiB pages) are refused as unreadable. */
const MAX_TRACE_PFN = 2 ** 40;
const MAX_TEXT = 200;
/**
 * A copy of `s` that shares no memory with the string it was cut from. A line from readline is a
 * slice of the decoded 64 KiB chunk, and a slice of it is a slice of that chunk: keeping one task
 * name would keep its whole chunk alive. Concatenation then slicing makes V8 flatten into a fresh
 * string.
 */
function detach(s: string): string {
  return (' ' + s).slice(1);
}

/** 2^order for every order the parser accepts. */
const POW2: readonly number[] = Array.from({ length: 21 }, (_, o) => 2 ** o);

const OP: Readonly<Record<TracePageEventName, TracePageOp>> = {
  mm_page_alloc: 'alloc',
  mm_page_free: 'free',
  mm_page_free_batched: 'batched',
  mm_page_pcpu_drain: 'drain',
  mm_page_alloc_zone_locked: 'internal',
  mm_page_alloc_extfrag: 'internal',
  mm_page_free_direct: 'free',
  mm_pagevec_free: 'batched',
};

/**
 * The page event name starting at `i` (`mm_page_…:` / `mm_pagevec_free:`), by its characters, or
 * undefined. The name must be followed by a colon.
 */
function pageEventAt(s: string, i: number): TracePageEventName | undefined {
  // s[i..i+6] is `mm_page` (the caller found ': mm_page').
  const c7 = s.charCodeAt(i + 7);
  let name: TracePageEventName | undefined;
  if (c7 === 95 /* _ */) {
    const c8 = s.charCodeAt(i + 8);
    if (c8 === 102 /* f */) {
      const c12 = s.charCodeAt(i + 12);
      if (c12 === 58 /* : */) name = 'mm_page_free';
      else if (c12 === 95) name = s.charCodeAt(i + 13) === 98 /* b */ ? 'mm_page_free_batched' : 'mm_page_free_direct';
    } else if (c8 === 97 /* a */) {
      const c13 = s.charCodeAt(i + 13);
      if (c13 === 58) name = 'mm_page_alloc';
      else if (c13 === 95) name = s.charCodeAt(i + 14) === 122 /* z */ ? 'mm_page_alloc_zone_locked' : 'mm_page_alloc_extfrag';
    } else if (c8 === 112 /* p */) name = 'mm_page_pcpu_drain';
  } else if (c7 === 118 /* v */) name = 'mm_pagevec_free';
  // The discriminating characters matched; the colon and the last letter confirm the length.
  if (name === undefined || s.charCodeAt(i + name.length) !== 58 || s.charCodeAt(i + name.length - 1) !== name.charCodeAt(name.length - 1)) return undefined;
  return name;
}

function isPageEventName(name: string): name is TracePageEventName {
  return Object.prototype.hasOwnProperty.call(OP, name);
}

const BUDDYINFO_RE = /^\s*Node\s+(\d+),\s*zone\s+(\S+)((?:\s+\d+)+)\s*$/;
const LOST_RE = /CPU:\s*(\d+)\s*\[LOST\s+(\d+)\s+EVENTS\]/i;
const HEADER_RE = /entries-in-buffer\/entries-written:\s*(\d+)\/(\d+)(?:\s+#P:(\d+))?/;
/** Other layouts of an event line: `comm-pid [cpu] flags ts: [system:]name: fields` (ftrace, trace-cmd, perf script). */
const GENERIC_RE = /^\s*(.*?)\s*(?:\(\s*[-\d]+\))?\s+\[(\d+)\]\s+(?:[^\s:]+\s+)?(\d+(?:\.\d+)?):\s+(?:\w+:)?(\w+):\s?(.*)$/;

/** A function_graph line: `[abstime |] cpu) …|`. */
const FUNCGRAPH_RE = /^\s*(?:\d+\.\d+\s*\|\s*)?\d+\)[^|]*\|/;
/** A function tracer line: `comm-pid [cpu] flags ts: func <-parent`. */
const FUNCTION_RE = /^\s*.*?\s+\[\d+\]\s+(?:\S+\s+)?\d+\.\d+:\s+\S+\s+<-\S+/;

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

let makeReplayParser: () => TraceParser;

/**
 * The parser {@link replayTrace} uses: the same records, but `task` is `''` on
 * `mm_page_free_batched` and `mm_page_pcpu_drain` lines, whose task the replay never reads
 * (slicing and interning it is a fifth of the parse time), and every page record is the same
 * object, overwritten by the next page line: use it before parsing the next line.
 */
export function replayParser(): TraceParser {
  return makeReplayParser();
}

/**
 * `trace_seq` in reverse — the line parser behind {@link parseTrace}: give it lines, get records.
 *
 * **When to use**: when you already have the lines (a log you split yourself, a test); for files
 * and streams use {@link parseTrace}, which feeds one of these.
 *
 * **Gotchas**: it keeps state between lines (which `/proc/buddyinfo` block it is in), so give it
 * the lines of one trace in order. `parseLine` returns `null` for blank and comment lines.
 *
 * @example
 * ```ts
 * import { TraceParser } from 'memdesc';
 * const p = new TraceParser();
 * const r = p.parseLine('  sort-143 [001] ..... 4.2: mm_page_free: page=(____ptrval____) pfn=0x2a order=0', 1);
 * if (r?.type === 'page') console.log(r.op, r.pfn); // free 42
 * ```
 */
export class TraceParser {
  /** Counters so far. */
  readonly stats: TraceParserStats = { lines: 0, blank: 0, comments: 0, unparsed: 0 };
  #section: 'start' | 'end' | 'trace' | null = null;
  /** Set by {@link replayParser}: the task of tags and drains is not read (the replay never uses it). */
  #ownersOnly = false;
  /** Set by {@link replayParser}: the page record every page line returns, overwritten. */
  #scratch: { -readonly [K in keyof TracePageEvent]: TracePageEvent[K] } | null = null;
  static {
    makeReplayParser = () => {
      const p = new TraceParser();
      p.#ownersOnly = true;
      p.#scratch = { type: 'page', op: 'free', name: 'mm_page_free', line: 0, task: '', cpu: -1, ts: NaN, pfn: -1, order: 0, gfp: null, gfpText: '', migratetype: -1 };
      return p;
    };
  }
  readonly #tasks = new Map<string, string>();
  /** gfp_flags texts seen, interned (the first copy is kept, so records share one string). */
  readonly #gfps = new Map<string, { readonly text: string; readonly bits: number | null }>();

  /**
   * Parses one line (a trailing `\r` is ignored). `lineNo` is what records carry as `line`;
   * by default the count of lines given so far.
   */
  parseLine(text: string, lineNo: number = this.stats.lines + 1): TraceRecord | null {
    this.stats.lines++;
    let s = text;
    if (s.charCodeAt(s.length - 1) === 13) s = s.slice(0, -1);
    const k = s.indexOf(': mm_page');
    if (k > 0) {
      const r = this.#fast(s, k, lineNo);
      if (r !== null) return r;
    }
    return this.#slow(s, lineNo);
  }

  /** `task-pid [cpu] flags ts: mm_page_xxx: fields` — the layout of ftrace's `trace` file. */
  #fast(s: string, k: number, lineNo: number): TraceRecord | null {
    // The event name, by its characters after `mm_page` (k + 2 is the `m`).
    const name = pageEventAt(s, k + 2);
    if (name === undefined) return null;
    // The timestamp: `12345.678901` right before ': ', parsed as an integer over a power of ten
    // (exact: the same double Number() gives). Delimiters are found with native searches; only
    // digits are read one by one.
    const sp = s.lastIndexOf(' ', k);
    const ts = readTs(s, sp + 1, k);
    if (ts !== ts) return null;
    // The CPU: `[001]`, left of the flags column.
    const lb = s.lastIndexOf('[', sp);
    if (lb < 0) return null;
    const rb = s.indexOf(']', lb);
    if (rb < 0 || rb > sp) return null;
    let cpu = 0;
    for (let j = lb + 1; j < rb; j++) {
      const c = s.charCodeAt(j);
      if (c < 48 || c > 57) return null;
      cpu = cpu * 10 + (c - 48);
    }
    if (rb === lb + 1 || rb - lb > 8) return null;
    const task = this.#ownersOnly && name !== 'mm_page_alloc' && name !== 'mm_page_free' ? '' : this.#task(s, lb);
    return this.#fields(s, k + 2 + name.length + 1, name, lineNo, task, cpu, ts);
  }

  /** The `comm-pid` before `[cpu]` at `end`, interned; a ` (tgid)` column or perf's `comm pid` is normalised. */
  #task(s: string, end: number): string {
    // Interned by the raw column (hashing it natively is cheaper than comparing it char by char).
    const raw = s.slice(0, end);
    let t = this.#tasks.get(raw);
    if (t === undefined) {
      t = raw.trim().replace(/\s*\(\s*[-\d]+\)$/, ''); // trace's tgid column: `comm-pid (  tgid)`
      if (!/-\d+$/.test(t)) t = t.replace(/\s+(\d+)$/, '-$1'); // perf script: `comm pid`
      t = detach(t);
      if (this.#tasks.size < 65536) this.#tasks.set(detach(raw), t);
    }
    return t;
  }

  /** The `key=value` fields of a page event, from `f` on (in the kernel's order, each searched after the last). */
  #fields(s: string, f: number, name: TracePageEventName, lineNo: number, task: string, cpu: number, ts: number): TraceRecord {
    const op = OP[name];
    const p = s.indexOf('pfn=', f);
    let pfn = -1;
    let at = f;
    if (p < 0) {
      if (op !== 'internal') return this.#unparsed(s, lineNo, 'no pfn= field');
    } else {
      pfn = readPfn(s, p + 4);
      at = p + 4;
      if (pfn === -2) {
        if (op !== 'internal') return this.#unparsed(s, lineNo, 'bad pfn= field');
        pfn = -1;
      }
    }
    let order = 0;
    let o = s.indexOf(' order=', at);
    if (o < 0 && at !== f) o = s.indexOf(' order=', f);
    if (o >= 0) {
      order = readUint(s, o + 7);
      at = o + 7;
      if (order < 0 || order > MAX_TRACE_ORDER) {
        if (op !== 'internal') return this.#unparsed(s, lineNo, 'bad order= field');
        order = 0;
      }
    } else if (op !== 'internal') {
      return this.#unparsed(s, lineNo, 'no order= field');
    }
    let gfp: number | null = null;
    let gfpText = '';
    let migratetype = -1;
    let m = -1;
    if (op !== 'free' && op !== 'batched') {
      m = s.indexOf('migratetype=', at);
      if (m < 0) m = s.indexOf('migratetype=', f);
      if (m >= 0) migratetype = readUint(s, m + 12);
    }
    if (op === 'alloc') {
      let g = s.indexOf('gfp_flags=', m >= 0 ? m : at);
      if (g < 0) g = s.indexOf('gfp_flags=', f);
      if (g >= 0) {
        g += 10;
        let e = s.indexOf(' ', g);
        if (e < 0) e = s.length;
        const raw = s.slice(g, e);
        let known = this.#gfps.get(raw);
        if (known === undefined) {
          const text = detach(raw);
          known = { text, bits: parseGfp(text) ?? null };
          if (this.#gfps.size < 4096) this.#gfps.set(text, known);
        }
        gfpText = known.text;
        gfp = known.bits;
      }
      // A failed allocation: `page=(null) pfn=0` (old kernels), `pfn=0xffffffffffffffff` (new).
      if (pfn === 0) {
        const pg = s.indexOf('page=', f);
        if (pg >= 0 && s.charCodeAt(pg + 5) === 40 /* ( */ && s.charCodeAt(pg + 6) === 110 /* n */) pfn = -1;
      } else if (pfn !== -1 && pfn % POW2[order]! !== 0) return this.#unparsed(s, lineNo, `pfn not aligned to order ${order}`);
    } else if (pfn === -1 && op !== 'internal') {
      return this.#unparsed(s, lineNo, 'bad pfn= field');
    }
    const r = this.#scratch;
    if (r === null) return { type: 'page', op, name, line: lineNo, task, cpu, ts, pfn, order, gfp, gfpText, migratetype };
    // The replay's parser: one record, overwritten line after line (the replay copies what it keeps).
    r.op = op;
    r.name = name;
    r.line = lineNo;
    r.task = task;
    r.cpu = cpu;
    r.ts = ts;
    r.pfn = pfn;
    r.order = order;
    r.gfp = gfp;
    r.gfpText = gfpText;
    r.migratetype = migratetype;
    return r;
  }

  #unparsed(s: string, lineNo: number, reason: string): TraceUnparsed {
    this.stats.unparsed++;
    return { type: 'unparsed', line: lineNo, text: detach(s.length > MAX_TEXT ? s.slice(0, MAX_TEXT) + '…' : s), reason };
  }

  /** Everything that is not the common layout of a page event. */
  #slow(s: string, lineNo: number): TraceRecord | null {
    let a = 0;
    while (a < s.length && (s.charCodeAt(a) === 32 || s.charCodeAt(a) === 9)) a++;
    if (a === s.length) {
      this.stats.blank++;
      return null;
    }
    if (s.charCodeAt(a) === 35 /* # */) {
      this.stats.comments++;
      const h = HEADER_RE.exec(s);
      if (h) return { type: 'header', line: lineNo, entriesInBuffer: Number(h[1]), entriesWritten: Number(h[2]), cpus: h[3] === undefined ? -1 : Number(h[3]) };
      return null;
    }
    const mk = s.indexOf('=== ');
    if (mk >= 0) {
      const rest = s.slice(mk + 4).trim();
      const name = rest.split(/\s/)[0] ?? '';
      if (name.length > 0) {
        if (name === 'buddyinfo-start') this.#section = 'start';
        else if (name === 'buddyinfo-end') this.#section = 'end';
        else if (name === 'trace-begin') this.#section = 'trace';
        else this.#section = null;
        return { type: 'marker', name: detach(name), line: lineNo };
      }
    }
    if (s.startsWith('Node', a)) {
      const b = BUDDYINFO_RE.exec(s);
      if (b) {
        const which = this.#section === 'start' || this.#section === 'end' ? this.#section : null;
        return { type: 'buddyinfo', which, line: lineNo, node: Number(b[1]), zone: detach(b[2]!), nrFree: b[3]!.trim().split(/\s+/).map(Number) };
      }
    }
    if (s.includes('LOST')) {
      const l = LOST_RE.exec(s);
      if (l) return { type: 'lost', line: lineNo, cpu: Number(l[1]), count: Number(l[2]) };
    }
    // function_graph: ` 1)  comm-pid  |   |  /* mm_page_alloc: page=… pfn=… */`
    const cm = s.indexOf('/* ');
    if (cm >= 0) {
      const ce = s.lastIndexOf('*/');
      const inner = s.slice(cm + 3, ce > cm ? ce : s.length).trimEnd();
      const colon = inner.indexOf(': ');
      const name = colon > 0 ? inner.slice(0, colon) : '';
      if (isPageEventName(name)) return this.#funcgraph(s.slice(0, cm), inner, colon, name, lineNo);
      if (/^\w+$/.test(name)) return { type: 'event', name: detach(name), line: lineNo, task: '', cpu: -1, ts: NaN };
    }
    const g = GENERIC_RE.exec(s);
    if (g) {
      const name = g[4]!;
      const ts = Number(g[3]);
      const cpu = Number(g[2]);
      const task = this.#task(g[1]!, g[1]!.length);
      if (isPageEventName(name)) return this.#fields(' ' + g[5]!, 0, name, lineNo, task, cpu, ts);
      return { type: 'event', name: detach(name), line: lineNo, task, cpu, ts };
    }
    // Lines of the function and function_graph tracers, when they share the buffer.
    if (FUNCGRAPH_RE.test(s) || FUNCTION_RE.test(s)) return { type: 'event', name: FUNCGRAPH_RE.test(s) ? 'function_graph' : 'function', line: lineNo, task: '', cpu: -1, ts: NaN };
    if (/^\s*cpus=\d+\s*$/.test(s)) {
      this.stats.comments++;
      return { type: 'header', line: lineNo, entriesInBuffer: -1, entriesWritten: -1, cpus: Number(s.trim().slice(5)) };
    }
    if (/^\s*CPU \d+ is empty\s*$/.test(s)) {
      this.stats.comments++;
      return null;
    }
    return this.#unparsed(s, lineNo, this.#section === 'start' || this.#section === 'end' ? 'not a /proc/buddyinfo line' : 'not an ftrace event line');
  }

  /** The columns before `/*` of a function_graph line: `[abstime |] cpu) [comm-pid |] …`. */
  #funcgraph(prefix: string, inner: string, colon: number, name: TracePageEventName, lineNo: number): TraceRecord {
    const cols = prefix.split('|').map((c) => c.trim());
    let cpu = -1;
    let ts = NaN;
    let task = '';
    for (const c of cols) {
      const cm = /^(\d+)\)\s*(.*)$/.exec(c);
      if (cm) {
        cpu = Number(cm[1]);
        const rest = cm[2]!.trim();
        if (/^\S+-\d+$/.test(rest)) task = rest; // funcgraph-proc: ` 1)  init-1  |`
      } else if (/^\d+\.\d+$/.test(c) && Number.isNaN(ts)) ts = Number(c); // funcgraph-abstime
      else if (task === '' && /^\S+-\d+$/.test(c)) task = c;
    }
    return this.#fields(' ' + inner.slice(colon + 2), 0, name, lineNo, task, cpu, ts);
  }
}

/** A `pfn=` value at `i`: `0x…` hex or decimal; -1 for the all-ones "no page" value; -2 if unreadable. */
function readPfn(s: string, i: number): number {
  let v = 0;
  let n = 0;
  if (s.charCodeAt(i) === 48 && (s.charCodeAt(i + 1) | 32) === 120) {
    let fs = 0;
    for (let j = i + 2; j < s.length; j++) {
      const c = s.charCodeAt(j) | 32;
      let d: number;
      if (c >= 48 && c <= 57) d = c - 48;
      else if (c >= 97 && c <= 102) d = c - 87;
      else break;
      if (d === 15) fs++;
      v = v * 16 + d;
      n++;
    }
    if (n === 0) return -2;
    if (n === 16 && fs === 16) return -1;
  } else {
    for (let j = i; j < s.length; j++) {
      const c = s.charCodeAt(j);
      if (c < 48 || c > 57) break;
      v = v * 10 + (c - 48);
      n++;
    }
    if (n === 0) return -2;
    if (n === 20 && s.startsWith('18446744073709551615', i)) return -1;
  }
  return v < MAX_TRACE_PFN ? v : -2;
}

/** `12345.678901` in s[a, b), exactly as Number() reads it; NaN if it is not that. */
function readTs(s: string, a: number, b: number): number {
  if (b <= a || b - a > 20) return NaN;
  let iv = 0;
  let scale = 1;
  let dot = false;
  for (let j = a; j < b; j++) {
    const c = s.charCodeAt(j);
    if (c >= 48 && c <= 57) {
      iv = iv * 10 + (c - 48);
      if (dot) scale *= 10;
    } else if (c === 46 && !dot) dot = true;
    else return NaN;
  }
  return iv > Number.MAX_SAFE_INTEGER ? Number(s.slice(a, b)) : iv / scale;
}

/** A decimal integer at `i`; -1 if none. */
function readUint(s: string, i: number): number {
  let v = 0;
  let j = i;
  for (; j < s.length && j < i + 9; j++) {
    const c = s.charCodeAt(j);
    if (c < 48 || c > 57) break;
    v = v * 10 + (c - 48);
  }
  if (j === i) return -1;
  const c = s.charCodeAt(j);
  return j < s.length && c !== 32 && c !== 9 && c !== 44 ? -1 : v;
}

/** A human name for a source, for messages. */
export function traceSourceName(source: TraceSource): string {
  if (typeof source === 'string') return source === '-' ? 'standard input' : source;
  if (source instanceof Uint8Array) return `${source.length} bytes`;
  return 'stream';
}

function isAsyncIterable(x: unknown): x is AsyncIterable<string | Uint8Array> {
  return typeof x === 'object' && x !== null && typeof (x as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function';
}

/** Checks a {@link TraceSource} argument that may arrive from plain JavaScript. */
export function checkTraceSource(source: unknown, fn: string): asserts source is TraceSource {
  if (typeof source === 'string') {
    if (source.length === 0) invalidArgument(fn, 'source must be a file path, "-" for standard input, a stream or bytes', source);
    return;
  }
  if (source instanceof Uint8Array || isAsyncIterable(source)) return;
  invalidArgument(fn, 'source must be a file path, "-" for standard input, a stream or bytes', source);
}

/** Wraps an I/O or gzip error in `INVALID_ARGUMENT`, naming the source. */
function sourceError(fn: string, source: TraceSource, e: unknown): MmError {
  if (e instanceof MmError) return e;
  const err = e as { code?: string; message?: string };
  const what =
    err.code === 'ENOENT'
      ? 'no such file'
      : err.code === 'EISDIR'
        ? 'is a directory'
        : err.code === 'EACCES'
          ? 'permission denied'
          : typeof err.code === 'string' && err.code.startsWith('Z_')
            ? `not a valid gzip stream (${err.message ?? err.code})`
            : (err.message ?? describeValue(e));
  return new MmError('INVALID_ARGUMENT', `${fn}(): cannot read trace ${JSON.stringify(traceSourceName(source))}: ${what}`);
}

/** Lines per batch handed to the consumer. */
const BATCH_LINES = 2048;
/** Batches queued before the input is paused. */
const MAX_QUEUED = 4;

/**
 * Opens a source as an async iterable of batches of lines: node:readline over the byte stream
 * (through node:zlib when it starts with the gzip magic number). readline's `'line'` events fill
 * batches; when {@link MAX_QUEUED} batches wait, the input is paused until the consumer catches
 * up, so memory is bounded by a few batches and one chunk, never by the trace. Batches, not single
 * lines, cross the async boundary: one promise per 2048 lines instead of one per line.
 */
export async function openTraceLines(source: TraceSource, fn: string): Promise<AsyncIterable<readonly string[]>> {
  checkTraceSource(source, fn);
  let input: AsyncIterable<string | Uint8Array>;
  if (typeof source === 'string' && source !== '-') {
    // A file: sniff the gzip magic number with a 2-byte read, then stream it directly.
    let magic: Buffer;
    try {
      const st = await stat(source);
      if (st.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
      const fh = await open(source, 'r');
      try {
        magic = Buffer.alloc(2);
        const { bytesRead } = await fh.read(magic, 0, 2, 0);
        magic = magic.subarray(0, bytesRead);
      } finally {
        await fh.close();
      }
    } catch (e) {
      throw sourceError(fn, source, e);
    }
    let file: Readable = createReadStream(source, { highWaterMark: 1 << 16 }) as ReadStream;
    if (magic.length === 2 && magic[0] === 0x1f && magic[1] === 0x8b) file = gunzipped(file);
    return { [Symbol.asyncIterator]: () => lineBatches(file, (e) => sourceError(fn, source, e)) };
  }
  if (typeof source === 'string') {
    input = process.stdin;
  } else if (source instanceof Uint8Array) {
    input = (async function* () {
      for (let i = 0; i < source.length; i += 1 << 16) yield source.subarray(i, i + (1 << 16));
    })();
  } else {
    input = source as AsyncIterable<string | Uint8Array>;
  }
  const it = input[Symbol.asyncIterator]();
  let first: IteratorResult<string | Uint8Array>;
  try {
    first = await it.next();
  } catch (e) {
    throw sourceError(fn, source, e);
  }
  const head = first.done ? undefined : first.value;
  const gzip = head instanceof Uint8Array && head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
  async function* rest(): AsyncGenerator<string | Uint8Array> {
    try {
      if (head === undefined) return;
      yield head;
      for (;;) {
        const r = await it.next();
        if (r.done) return;
        yield r.value;
      }
    } finally {
      await it.return?.();
    }
  }
  let bytes: Readable = Readable.from(rest(), { objectMode: false });
  if (gzip) bytes = gunzipped(bytes);
  return {
    [Symbol.asyncIterator]: () => lineBatches(bytes, (e) => sourceError(fn, source, e)),
  };
}

/**
 * The stream through node:zlib, in 64 KiB output chunks (zlib's default 16 KiB makes readline's
 * per-chunk work cost twice the inflating). Errors of either side surface on the result.
 */
function gunzipped(input: Readable): Readable {
  const gunzip = createGunzip({ chunkSize: 1 << 16 });
  pipeline(input, gunzip, () => {});
  return gunzip;
}

async function* lineBatches(input: Readable, wrap: (e: unknown) => MmError): AsyncGenerator<readonly string[]> {
  const rl = createInterface({ input, crlfDelay: Infinity });
  const queue: string[][] = [];
  let batch: string[] = [];
  let done = false;
  let failure: unknown = null;
  let paused = false;
  let wake: (() => void) | null = null;
  const wakeUp = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  rl.on('line', (line) => {
    batch.push(line);
    if (batch.length >= BATCH_LINES) {
      queue.push(batch);
      batch = [];
      if (queue.length >= MAX_QUEUED && !paused) {
        paused = true;
        rl.pause();
      }
      wakeUp();
    }
  });
  rl.on('close', () => {
    if (batch.length > 0) queue.push(batch);
    batch = [];
    done = true;
    wakeUp();
  });
  const onError = (e: unknown) => {
    failure ??= e;
    done = true;
    wakeUp();
  };
  // readline re-emits its input's errors on the interface: both must be listened to.
  input.on('error', onError);
  rl.on('error', onError);
  try {
    for (;;) {
      if (failure !== null) throw wrap(failure);
      const b = queue.shift();
      if (b !== undefined) {
        if (paused && queue.length < MAX_QUEUED / 2) {
          paused = false;
          rl.resume();
        }
        yield b;
        continue;
      }
      if (done) return;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    rl.close();
    input.destroy();
  }
}

/**
 * `/sys/kernel/tracing/trace` read back (or `trace_pipe`, `trace-cmd report`, `perf script`) —
 * reads a page-allocator trace (recorded after `echo 1 > events/kmem/mm_page_alloc/enable`…) as
 * a stream of records: page events, other
 * events, `/proc/buddyinfo` lines, markers, lost-event notes, headers, and the lines it could not
 * read — each with its line number.
 *
 * **When to use**: to inspect or filter a trace yourself; {@link replayTrace} uses the same parser
 * and replays the events through the ownership model.
 *
 * **Gotchas**: the source is read lazily, once: iterate the result once. A path that does not
 * exist, a directory or a corrupt gzip stream rejects with `MmError` `INVALID_ARGUMENT` (at the
 * first `next()`); a source of the wrong type throws it at once. An unreadable line is a
 * `{ type: 'unparsed' }` record, never an exception. Memory is bounded by the longest line, not by
 * the trace.
 *
 * @example
 * ```ts
 * import { Readable } from 'node:stream';
 * import { parseTrace } from 'memdesc';
 * const text = '  cat-1 [000] ..... 1.0: mm_page_alloc: page=(____ptrval____) pfn=0x100 order=0 migratetype=0 gfp_flags=GFP_KERNEL\n';
 * for await (const r of parseTrace(Readable.from([text]))) {
 *   if (r.type === 'page') console.log(r.name, r.pfn, r.gfpText); // mm_page_alloc 256 GFP_KERNEL
 * }
 * ```
 */
export function parseTrace(source: TraceSource): AsyncIterable<TraceRecord> {
  checkTraceSource(source, 'parseTrace');
  return {
    async *[Symbol.asyncIterator]() {
      const parser = new TraceParser();
      let n = 0;
      for await (const batch of await openTraceLines(source, 'parseTrace')) {
        for (const line of batch) {
          const r = parser.parseLine(line, ++n);
          if (r !== null) yield r;
        }
      }
    },
  };
}
