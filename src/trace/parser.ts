/**
 * `trace_seq` in reverse — the line parser of the kernel's ftrace text output for the page
 * allocator's tracepoints (`include/trace/events/kmem.h`): `mm_page_alloc`, `mm_page_free`,
 * `mm_page_free_batched`, `mm_page_pcpu_drain`, tolerant of `mm_page_alloc_zone_locked`,
 * `mm_page_alloc_extfrag` and the old kernels' `mm_page_free_direct` / `mm_pagevec_free`.
 *
 * It reads what `cat /sys/kernel/tracing/trace`, `trace_pipe`, `trace-cmd report` and
 * `perf script` print, the function_graph tracer's `/* mm_page_alloc: … *\/` comment lines, and
 * the `=== buddyinfo-start` / `=== buddyinfo-end` / `=== trace-begin` / `=== trace-end` markers
 * of the shared sample (`../shared/traces/`), with their `/proc/buddyinfo` blocks.
 *
 * The hot path is a prefix check (`indexOf(': mm_page')`) and field extraction with `indexOf` and
 * `charCodeAt`, no regular expression; everything else (headers, markers, buddyinfo, other
 * tracers' layouts) goes through a slower path that is rare in a kmem trace. Lines in, records
 * out: no I/O here (source.ts reads files and streams).
 *
 * @module
 */
import { invalidArgument } from '../debug/mm-error.js';
import { parseGfp } from '../page-alloc/gfp.js';
import { MAX_TRACE_ORDER, type TracePageEvent, type TracePageEventName, type TracePageOp, type TraceParserStats, type TraceRecord, type TraceUnparsed } from './records.js';

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

let makeReplayParser: () => TraceParser;
let makeOverLong: (p: TraceParser, head: string, bytes: number, max: number, lineNo: number) => TraceUnparsed;

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
 * The record of a line longer than `max` bytes, which the line splitter did not keep: unparsed,
 * with its first characters (`head`). Counts as a line read.
 */
export function overLongLine(parser: TraceParser, head: string, bytes: number, max: number, lineNo: number): TraceUnparsed {
  return makeOverLong(parser, head, bytes, max, lineNo);
}

/**
 * `trace_seq` in reverse — the line parser behind {@link parseTrace}: give it lines, get records.
 *
 * **When to use**: when you already have the lines (a log you split yourself, a test); for files
 * and streams use {@link parseTrace}, which feeds one of these.
 *
 * **Gotchas**: it keeps state between lines (which `/proc/buddyinfo` block it is in), so give it
 * the lines of one trace in order. `parseLine` returns `null` for blank and comment lines, an
 * `unparsed` record for a line it cannot read, and throws `MmError` `INVALID_ARGUMENT` only when
 * called with something that is not a string (or a line number that is not a positive integer).
 *
 * @example
 * ```ts
 * import { TraceParser } from 'memdesc/trace';
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
    makeOverLong = (p, head, bytes, max, lineNo) => {
      p.stats.lines++;
      return p.#unparsed(head + '…', lineNo, `line longer than ${max} bytes (${bytes} bytes; maxLineLength)`);
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
    if (typeof text !== 'string') invalidArgument('TraceParser.parseLine', 'the line must be a string', text);
    if (typeof lineNo !== 'number' || !Number.isSafeInteger(lineNo) || lineNo < 1) invalidArgument('TraceParser.parseLine', 'lineNo must be a positive integer', lineNo);
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

/** Does a field's value end at `j`: the end of the line, a space, a tab or a comma? */
function fieldEnd(s: string, j: number): boolean {
  if (j >= s.length) return true;
  const c = s.charCodeAt(j);
  return c === 32 || c === 9 || c === 44;
}

/**
 * A `pfn=` value at `i`: `0x…` hex or decimal, all digits up to the end of the field (`0x1g`,
 * `1e5`, `0x1_000` are unreadable, not 1); -1 for the all-ones "no page" value; -2 if unreadable.
 */
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
    if (n === 0 || !fieldEnd(s, i + 2 + n)) return -2;
    if (n === 16 && fs === 16) return -1;
  } else {
    for (let j = i; j < s.length; j++) {
      const c = s.charCodeAt(j);
      if (c < 48 || c > 57) break;
      v = v * 10 + (c - 48);
      n++;
    }
    if (n === 0 || !fieldEnd(s, i + n)) return -2;
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

