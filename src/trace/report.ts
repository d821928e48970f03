/**
 * What `memdesc replay` prints: a readable summary, one JSON object, or a self-contained HTML
 * report (the memory map at the end of the trace, a timeline of live pages and findings).
 *
 * @module
 */
import { escapeHtml, figuresTable, htmlPage, linePlotSvg, memoryMapSvg } from '../cli/report.js';
import { hexPfn } from '../debug/mm-error.js';
import { TRACE_FINDING_KINDS, TRACE_MAP_CODES, TRACE_UNCERTAINTY_TEXT, type TraceFinding, type TraceLeakGroup, type TraceReplay, type TraceUncertainty } from './result.js';

/** How to read the two numbers side by side: what buddyinfo and the replay each count. */
export const BUDDYINFO_NOTE =
  '/proc/buddyinfo counts free blocks on the buddy lists after buddies merged, and not the pages waiting on ' +
  'per-CPU lists; the replay sees only the pages the trace touched, and not what was allocated before tracing ' +
  'began or by paths with no mm_page_alloc (alloc_pages_bulk). So the two cannot be compared order by order (a freed ' +
  'order-0 page may now sit in an order-10 block). What compares, loosely, is the change in free pages: the ' +
  'buddy lists gained (after − before) ≈ pages freed − pages allocated by traced events − pages that moved onto ' +
  'per-CPU lists − untraced allocations, and the snapshots were taken a moment before and after tracing.';

const fmtTs = (t: number) => (Number.isFinite(t) ? `${t.toFixed(6)} s` : 'n/a');
const fmtAge = (t: number) => (Number.isFinite(t) ? `${t.toFixed(3)} s` : 'n/a');
const signed = (n: number) => (n > 0 ? `+${n}` : String(n));

function pagesText(pages: number): string {
  const bytes = pages * 4096;
  return bytes >= 1 << 30 ? `${(bytes / 2 ** 30).toFixed(bytes % 2 ** 30 ? 1 : 0)} GiB` : `${(bytes / 2 ** 20).toFixed(bytes % 2 ** 20 ? 1 : 0)} MiB`;
}

/** The pids of a leak group: `tar-134`, or `init-1 ×21, init-146 ×7 … +4 more` when several tasks of that name allocated. */
function tasksText(g: TraceLeakGroup, max = 3): string {
  if (g.tasks.length === 1) return g.tasks[0]!.task;
  const shown = g.tasks.slice(0, max).map((t) => `${t.task} ×${t.count}`);
  return shown.join(', ') + (g.tasks.length > max ? ` +${g.tasks.length - max} more` : '');
}

/** What the reason counts are: per reason, the findings that give it; a finding may give several. */
const REASONS_OVERLAP = 'a finding can have several reasons, so these counts overlap and may add up to more than the findings';

/** What a leak's age is. */
const AGE_NOTE = 'age: the time from the allocation to the end of the trace, its last timestamp';

/** Counts of `because` reasons over some findings, most frequent first. */
function reasonCounts(fs: readonly TraceFinding[]): [TraceUncertainty, number][] {
  const m = new Map<TraceUncertainty, number>();
  for (const f of fs) for (const b of f.because) m.set(b, (m.get(b) ?? 0) + 1);
  return [...m].sort((a, b) => b[1] - a[1]);
}

function buddyLines(r: TraceReplay, indent: string): string[] {
  const out: string[] = [];
  const block = (label: string, zones: TraceReplay['buddyinfo']['before']) => {
    if (zones === null) {
      out.push(`${indent}${label.padEnd(7)} (no block in the trace)`);
      return;
    }
    zones.forEach((z, i) =>
      out.push(`${indent}${(i === 0 ? label : '').padEnd(7)} Node ${z.node}, zone ${z.zone.padStart(8)} ${z.nrFree.map((n) => String(n).padStart(6)).join(' ')}   (${z.freePages} free pages)`),
    );
  };
  const zones = [...(r.buddyinfo.before ?? []), ...(r.buddyinfo.after ?? [])];
  if (zones.length > 0) {
    // Which column is which order, as /proc/pagetypeinfo heads its own.
    const orders = Math.max(...zones.map((z) => z.nrFree.length));
    out.push(`${indent}${''.padEnd(7)} ${'free blocks of order'.padStart(21)} ${Array.from({ length: orders }, (_, o) => String(o).padStart(6)).join(' ')}`);
  }
  block('before', r.buddyinfo.before);
  block('after', r.buddyinfo.after);
  return out;
}

/** The summary `memdesc replay FILE` prints: counts, certain bugs first, the rest summarised, leaks, buddyinfo. */
export function formatReplaySummary(r: TraceReplay): string {
  const out: string[] = [];
  const line = (k: string, v: string | number) => out.push(`  ${k.padEnd(34)} ${v}`);
  out.push(`memdesc replay: ${r.source} (model: ${r.model})`);
  line('lines read', `${r.lines}${r.unparsed.count > 0 ? ` (${r.unparsed.count} unreadable)` : ''}`);
  const evs = Object.entries(r.events);
  line('events', evs.length === 0 ? 'none' : evs.map(([k, n]) => `${k} ${n}`).join(', '));
  if (r.replayed.failedAllocs > 0) line('failed allocations (page=(null))', r.replayed.failedAllocs);
  line('CPUs, time span', `${r.trace.cpus.length} (${r.trace.cpus.join(', ') || '?'}), ${fmtTs(r.trace.firstTs)} .. ${fmtTs(r.trace.lastTs)}`);
  if (r.machine.maxPfn >= 0) line('machine sized to the pfns seen', `pfn 0x0..${hexPfn(r.machine.maxPfn)}: ${r.machine.pages} pages (${pagesText(r.machine.pages)})`);
  const rb =
    r.trace.entriesWritten < 0
      ? 'no entries-in-buffer header'
      : `${r.trace.entriesInBuffer}/${r.trace.entriesWritten} entries${r.trace.entriesWritten > r.trace.entriesInBuffer ? ` (${r.trace.entriesWritten - r.trace.entriesInBuffer} oldest overwritten: the trace starts late)` : ''}`;
  line('ring buffer', `${rb}; ${r.trace.lostEvents > 0 ? `${r.trace.lostEvents} events LOST (lines ${r.trace.lostLines.slice(0, 5).join(', ')})` : 'no events lost'}`);
  if (r.trace.timestampsBackwards > 0) line('timestamps going backwards', r.trace.timestampsBackwards);
  line('batched frees matching their free', `${r.checks.batchedMatched} of ${r.checks.batchedMatched + r.checks.batchedUnmatched}`);
  if (r.checks.drainsOfLive > 0) line('drains of pages held live', `${r.checks.drainsOfLive} (lines ${r.checks.exampleLines.slice(0, 5).join(', ')})`);

  const certain = r.findings.filter((f) => f.certain && f.kind !== 'pre-trace-free');
  out.push('');
  if (r.certainBugs === 0) out.push('Certain bugs: none');
  else {
    out.push(`Certain bugs: ${r.certainBugs}`);
    for (const f of certain.slice(0, 20)) out.push(`  ${f.kind.padEnd(14)} line ${f.line}: ${f.message}\n  ${''.padEnd(14)} evidence: lines ${f.lines.join(', ')}`);
    if (r.certainBugs > 20) out.push(`  … and ${r.certainBugs - 20} more (--json lists them)`);
  }
  const uncertainTotal = TRACE_FINDING_KINDS.reduce((s, k) => s + r.findingCounts[k].uncertain, 0);
  const infoCertain = r.findingCounts['pre-trace-free'].certain;
  out.push(`Uncertain findings (a gap in the trace could explain them): ${uncertainTotal}`);
  if (uncertainTotal > 0) out.push(`  ${'kind'.padEnd(14)} ${'count'.padStart(6)}   findings per reason (${REASONS_OVERLAP})`);
  for (const k of TRACE_FINDING_KINDS) {
    const n = r.findingCounts[k].uncertain;
    if (n === 0) continue;
    const fs = r.findings.filter((f) => f.kind === k && !f.certain);
    const reasons = reasonCounts(fs)
      .map(([b, c]) => `${b} ${c}`)
      .join(', ');
    out.push(`  ${k.padEnd(14)} ${String(n).padStart(6)}   ${reasons}`);
    const first = fs[0];
    if (first !== undefined) out.push(`  ${''.padEnd(14)} ${''.padStart(6)}   e.g. line ${first.line} (lines ${first.lines.join(', ')}): ${first.message}`);
  }
  if (infoCertain > 0) out.push(`  pre-trace-free ${String(infoCertain).padStart(6)}   (certain in the strict model: allocated before the trace)`);
  const used = new Set(r.findings.flatMap((f) => f.because));
  if (used.size > 0) {
    out.push('  why:');
    for (const b of Object.keys(TRACE_UNCERTAINTY_TEXT) as TraceUncertainty[]) if (used.has(b)) out.push(`    ${b}: ${TRACE_UNCERTAINTY_TEXT[b]}`);
  }

  out.push('');
  out.push(`Possible leaks: ${r.liveAtEnd} allocations (${r.livePagesAtEnd} pages) made in the trace and live at its end, grouped by gfp flags, task name and order`);
  if (r.leakGroups.length > 0) {
    const shown = r.leakGroups.slice(0, 10);
    const tw = Math.max(16, ...shown.map((g) => tasksText(g).length));
    out.push(`  ${'pages'.padStart(6)} ${'count'.padStart(6)} ${'order'.padStart(5)} ${'age of oldest'.padStart(13)}  ${'tasks (comm-pid ×allocations)'.padEnd(tw)}  gfp`);
    for (const g of shown)
      out.push(`  ${String(g.pages).padStart(6)} ${String(g.count).padStart(6)} ${String(g.order).padStart(5)} ${fmtAge(g.oldestAge).padStart(13)}  ${tasksText(g).padEnd(tw)}  ${g.gfp}   (lines ${g.lines.join(', ')})`);
    if (r.leakGroups.length > 10) out.push(`  … ${r.leakGroups.length - 10} more groups`);
    out.push(`  (${AGE_NOTE})`);
  }

  out.push('');
  out.push('/proc/buddyinfo before and after the trace, beside the replay');
  out.push(...buddyLines(r, '  '));
  const v = r.view;
  if (v.buddyFreePagesBefore !== null && v.buddyFreePagesAfter !== null) {
    out.push(`  free pages on the buddy lists: ${v.buddyFreePagesBefore} → ${v.buddyFreePagesAfter} (${signed(v.buddyFreePagesAfter - v.buddyFreePagesBefore)})`);
  }
  out.push(`  replay: pages freed − allocated by traced events: ${v.pagesFreed} − ${v.pagesAllocated} = ${signed(v.netPagesFreed)}`);
  out.push(`  replay: live allocations at the end by order: ${v.liveByOrder.map((n, o) => `${o}:${n}`).join(' ') || 'none'}`);
  out.push(`  replay: blocks freed in the trace and still free, by order: ${v.freedByOrder.map((n, o) => `${o}:${n}`).join(' ') || 'none'}`);
  out.push(...wrap(`(${BUDDYINFO_NOTE})`, 96).map((l) => `  ${l}`));

  if (r.unparsed.count > 0) {
    out.push('');
    out.push(`Unreadable lines: ${r.unparsed.count}`);
    for (const u of r.unparsed.examples.slice(0, 10)) out.push(`  line ${u.line}: ${u.reason}: ${JSON.stringify(u.text)}`);
    if (r.unparsed.count > 10) out.push(`  … (--json keeps the first ${r.unparsed.examples.length})`);
  }
  return out.join('\n') + '\n';
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let cur = '';
  for (const w of text.split(' ')) {
    if (cur.length + w.length + 1 > width && cur.length > 0) {
      lines.push(cur);
      cur = w;
    } else cur = cur.length === 0 ? w : `${cur} ${w}`;
  }
  if (cur.length > 0) lines.push(cur);
  return lines;
}

/** The object `--json` prints: the replay without the memory map (every finding, every live allocation). */
export function replayJson(r: TraceReplay): Record<string, unknown> {
  const { memoryMap, pfnsPerCell, ...rest } = r;
  void memoryMap;
  void pfnsPerCell;
  return rest;
}

/** A cell whose text breaks only where it says (`<wbr>` after each `|` of a gfp mask, `, ` of a list), never inside a number. */
interface Cell {
  readonly html: string;
  /** Aligned as a number (right). */
  readonly numeric?: boolean;
}
/** GFP flags that wrap after each `|`, as a cell. */
const gfpCell = (gfp: string): Cell => ({ html: gfp.split('|').map(escapeHtml).join('|<wbr>') });
/** A value that never wraps (`6.274 s`). */
const nowrap = (text: string, numeric = false): Cell => ({ html: `<span style="white-space:nowrap">${escapeHtml(text)}</span>`, numeric });
const isText = (c: string | number | Cell | undefined) => typeof c === 'string' || (typeof c === 'object' && c.numeric !== true);

/** A table; with `leftText`, the text columns (not numbers) are left-aligned. */
function table(headers: readonly string[], rows: readonly (readonly (string | number | Cell)[])[], leftText = false): string {
  const td = (c: string | number | Cell) =>
    (leftText && isText(c) ? `<td style="text-align:left">` : '<td>') + (typeof c === 'object' ? c.html : escapeHtml(String(c))) + '</td>';
  // A text column's heading sits where its text does.
  const th = (h: string, i: number) => (leftText && rows.length > 0 && isText(rows[0]![i]) ? '<th style="text-align:left">' : '<th>') + `${escapeHtml(h)}</th>`;
  return `<table><tr>${headers.map(th).join('')}</tr>` + rows.map((row) => `<tr>${row.map(td).join('')}</tr>`).join('') + `</table>`;
}

const MAP_LEGEND = [
  { code: TRACE_MAP_CODES.unknown, name: 'not in the trace', color: '#eeeeee' },
  { code: TRACE_MAP_CODES.free, name: 'free at the end', color: '#9ecae1' },
  { code: TRACE_MAP_CODES.live, name: 'live at the end', color: '#1f4e9c' },
  { code: TRACE_MAP_CODES.certain, name: 'certain finding', color: '#d62728' },
  { code: TRACE_MAP_CODES.uncertain, name: 'uncertain finding', color: '#ff9f40' },
];

/** The `--html` report. Needs a replay made with `memoryMap: true` for the map. */
export function replayHtml(r: TraceReplay): string {
  const sections: { heading: string; body: string }[] = [];
  const evs = Object.entries(r.events);
  sections.push({
    heading: 'Summary',
    body: figuresTable([
      ['trace', r.source],
      ['model', r.model],
      ['lines read', r.lines],
      ...evs.map(([k, n]) => [k, n] as const),
      ['unreadable lines', r.unparsed.count],
      ['CPUs', r.trace.cpus.join(', ')],
      ['time span', `${fmtTs(r.trace.firstTs)} .. ${fmtTs(r.trace.lastTs)}`],
      ['machine (sized to the pfns seen)', `${r.machine.pages} pages (${pagesText(r.machine.pages)})`],
      ['events lost', r.trace.lostEvents],
      ['certain bugs', r.certainBugs],
      ...TRACE_FINDING_KINDS.map((k) => [`${k} (certain / uncertain)`, `${r.findingCounts[k].certain} / ${r.findingCounts[k].uncertain}`] as const),
      ['live allocations at the end (pages)', `${r.liveAtEnd} (${r.livePagesAtEnd})`],
    ]),
  });
  if (r.memoryMap !== null) {
    const perRow = r.memoryMap.length > 65536 ? 512 : 256;
    sections.push({
      heading: 'Memory map at the end of the trace',
      body:
        `<p>One cell per ${r.pfnsPerCell === 1 ? 'page frame' : `${r.pfnsPerCell} page frames`}, ${perRow} per row, pfn 0 top left; a cell shows the most serious state of its pages.</p>` +
        memoryMapSvg(r.memoryMap, MAP_LEGEND, perRow, r.memoryMap.length > 65536 ? 2 : 3, { pfnAxis: r.pfnsPerCell === 1 }), // the axis labels pfns only when a cell is one
    });
  }
  const t = r.timeline;
  sections.push({
    heading: 'Timeline',
    body:
      linePlotSvg('pages live (allocated in the trace)', [{ name: 'live pages', color: '#1f4e9c', points: t.map((p) => [p.t, p.livePages] as const) }], 'seconds since the first event', 'pages') +
      linePlotSvg(
        'findings so far',
        [
          { name: 'certain bugs', color: '#d62728', points: t.map((p) => [p.t, p.certain] as const) },
          { name: 'uncertain / information', color: '#ff9f40', points: t.map((p) => [p.t, p.uncertain] as const) },
        ],
        'seconds since the first event',
        'findings',
      ),
  });
  sections.push({
    heading: 'Possible leaks: live at the end, grouped by gfp flags, task name and order',
    body:
      r.leakGroups.length === 0
        ? '<p>None.</p>'
        : `<p>${r.liveAtEnd} allocations (${r.livePagesAtEnd} pages) made in the trace were still live when it ended. Tasks are as the trace prints them, <code>comm-pid</code>, with how many of the group's allocations each made; ${escapeHtml(AGE_NOTE)}.</p>` +
          table(
            ['pages', 'count', 'order', 'age of the oldest', 'tasks (comm-pid ×allocations)', 'first lines', 'gfp'],
            r.leakGroups.slice(0, 100).map((g) => [g.pages, g.count, g.order, nowrap(fmtAge(g.oldestAge), true), tasksText(g, 6), g.lines.join(', '), gfpCell(g.gfp)]),
            true,
          ),
  });
  const v = r.view;
  sections.push({
    heading: '/proc/buddyinfo before and after, beside the replay',
    body:
      `<pre>${escapeHtml(buddyLines(r, '').join('\n'))}</pre>` +
      figuresTable([
        ['buddy free pages before', v.buddyFreePagesBefore ?? 'n/a'],
        ['buddy free pages after', v.buddyFreePagesAfter ?? 'n/a'],
        ['replay: pages allocated by traced events', v.pagesAllocated],
        ['replay: pages freed by traced events', v.pagesFreed],
        ['replay: freed − allocated', signed(v.netPagesFreed)],
        ['replay: live allocations at the end, by order', v.liveByOrder.map((n, o) => `${o}:${n}`).join(' ') || 'none'],
      ]) +
      `<p>${escapeHtml(BUDDYINFO_NOTE)}</p>`,
  });
  const certain = r.findings.filter((f) => f.certain && f.kind !== 'pre-trace-free');
  const uncertainBugs = r.findings.filter((f) => !f.certain && f.kind !== 'pre-trace-free');
  const row = (f: TraceFinding) => [nowrap(f.kind), hexPfn(f.pfn), f.order, f.lines.join(', '), nowrap(f.task), f.because.join(', '), f.message];
  const head = ['kind', 'pfn', 'order', 'lines', 'task', 'why uncertain', 'what'];
  const sure = (f: TraceFinding) => row(f).filter((_, i) => head[i] !== 'why uncertain');
  sections.push({
    heading: `Certain bugs (${r.certainBugs})`,
    body: certain.length === 0 ? '<p>None.</p>' : table(head.filter((h) => h !== 'why uncertain'), certain.slice(0, 500).map(sure), true),
  });
  sections.push({
    heading: 'Uncertain findings: what in the trace could explain them',
    body:
      `<p>Per kind, how many findings give each reason. ${escapeHtml(REASONS_OVERLAP.charAt(0).toUpperCase() + REASONS_OVERLAP.slice(1))}.</p>` +
      table(
        ['kind', 'uncertain', 'findings per reason (they overlap)'],
        TRACE_FINDING_KINDS.filter((k) => r.findingCounts[k].uncertain > 0).map((k) => [
          k,
          r.findingCounts[k].uncertain,
          reasonCounts(r.findings.filter((f) => f.kind === k && !f.certain))
            .map(([b, n]) => `${b} (${n})`)
            .join(', '),
        ]),
        true,
      ) +
      `<ul>${[...new Set(r.findings.flatMap((f) => f.because))].map((b) => `<li><b>${escapeHtml(b)}</b>: ${escapeHtml(TRACE_UNCERTAINTY_TEXT[b])}</li>`).join('')}</ul>` +
      (uncertainBugs.length === 0
        ? ''
        : `<details><summary>The ${uncertainBugs.length} uncertain ${uncertainBugs.length === 1 ? 'finding' : 'findings'} of the bug kinds, each with its evidence lines</summary>` +
          table(head, uncertainBugs.slice(0, 300).map(row), true) +
          '</details>') +
      (uncertainBugs.length > 300 ? `<p>… ${uncertainBugs.length - 300} more in --json.</p>` : '') +
      (r.findingCounts['pre-trace-free'].uncertain + r.findingCounts['pre-trace-free'].certain > 0
        ? `<p>${r.findingCounts['pre-trace-free'].uncertain + r.findingCounts['pre-trace-free'].certain} frees of pages whose allocation is not in the trace (pre-trace-free, information), first at lines ${r.findings
            .filter((f) => f.kind === 'pre-trace-free')
            .slice(0, 10)
            .map((f) => f.line)
            .join(', ')}; --json lists them.</p>`
        : ''),
  });
  if (r.unparsed.count > 0) {
    sections.push({
      heading: `Unreadable lines (${r.unparsed.count})`,
      body: table(['line', 'why', 'text'], r.unparsed.examples.map((u) => [u.line, u.reason, u.text]), true),
    });
  }
  return htmlPage(`memdesc replay: ${r.source}`, sections);
}
