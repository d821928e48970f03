/**
 * Self-contained HTML reports: an SVG memory map (one cell per pfn, coloured by what owns it, with
 * a pfn axis), SVG plots over time (event markers, horizontal reference lines, a log axis), bar
 * charts, `/proc/buddyinfo` with order headers, and figures with captions. No scripts, no external
 * resources.
 *
 * @module
 */

/** A legend entry: a code of the memory map, its name and colour. */
export interface MapLegend {
  readonly code: number;
  readonly name: string;
  readonly color: string;
}

/** One series of a line plot. */
export interface Series {
  readonly name: string;
  readonly color: string;
  readonly points: readonly (readonly [number, number])[];
}

/** Events drawn as ticks in a strip above a plot (and, with `rule`, as faint vertical lines). */
export interface MarkerSeries {
  readonly name: string;
  readonly color: string;
  /** x positions of the events. */
  readonly xs: readonly number[];
  /** Draw a faint vertical line through the plot at each event. */
  readonly rule?: boolean;
}

/** A horizontal reference line (a watermark). */
export interface RefLine {
  readonly y: number;
  readonly label: string;
  readonly color: string;
}

/** Extra features of {@link linePlotSvg}. */
export interface PlotOptions {
  readonly markers?: readonly MarkerSeries[];
  readonly refLines?: readonly RefLine[];
  /** `'log'`: a logarithmic y axis from `yMin` (values below it sit on the axis). */
  readonly yScale?: 'linear' | 'log';
  readonly yMin?: number;
  /** The legend under the plot instead of at its right (for narrow plots). */
  readonly legendBelow?: boolean;
}

/** Extra features of {@link memoryMapSvg}. */
export interface MapOptions {
  /** Label rows with their first pfn (hex) and columns with their offset. */
  readonly pfnAxis?: boolean;
  /** Legend entries per legend row (default: all on one row). */
  readonly legendPerRow?: number;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const hex = (n: number) => `0x${n.toString(16)}`;

/**
 * The memory map as SVG: pfns left to right, top to bottom, in rows of `perRow`; each run of equal
 * codes in a row is one rectangle, so large machines stay small. With `pfnAxis`, each labelled row
 * starts with its first pfn and the columns carry their offsets.
 */
export function memoryMapSvg(codes: Uint8Array, legend: readonly MapLegend[], perRow = 128, cell = 6, options: MapOptions = {}): string {
  const rows = Math.ceil(codes.length / perRow);
  const colors = new Map(legend.map((l) => [l.code, l.color]));
  const axis = options.pfnAxis === true;
  const left = axis ? 8 + 7 * hex(Math.max(0, (rows - 1) * perRow)).length : 0;
  const top = axis ? 26 : 0;
  const w = perRow * cell;
  const h = rows * cell;
  const out: string[] = [];
  for (let r = 0; r < rows; r++) {
    let c = 0;
    while (c < perRow && r * perRow + c < codes.length) {
      const code = codes[r * perRow + c]!;
      let end = c + 1;
      while (end < perRow && r * perRow + end < codes.length && codes[r * perRow + end] === code) end++;
      out.push(`<rect x="${left + c * cell}" y="${top + r * cell}" width="${(end - c) * cell}" height="${cell}" fill="${colors.get(code) ?? '#999'}"/>`);
      c = end;
    }
  }
  if (axis) {
    // Rows: a label at least every 14 px, at a power-of-two number of rows, at most ~40 labels.
    let every = 1;
    while (every * cell < 14 || rows / every > 40) every *= 2;
    out.push(`<text x="${left - 6}" y="${top - 14}" font-size="11" text-anchor="end" font-weight="bold">pfn</text>`);
    for (let r = 0; r < rows; r += every) {
      const y = top + r * cell;
      out.push(`<line x1="${left - 4}" x2="${left}" y1="${y}" y2="${y}" stroke="#333"/>`);
      out.push(`<text x="${left - 6}" y="${y + 4}" font-size="10" text-anchor="end" font-family="monospace">${hex(r * perRow)}</text>`);
    }
    for (let q = 0; q < 4; q++) {
      const c = (q * perRow) / 4;
      const x = left + c * cell;
      out.push(`<line x1="${x}" x2="${x}" y1="${top - 4}" y2="${top}" stroke="#333"/>`);
      out.push(`<text x="${x}" y="${top - 7}" font-size="10" font-family="monospace">+${hex(c)}</text>`);
    }
    out.push(`<rect x="${left}" y="${top}" width="${w}" height="${h}" fill="none" stroke="#666" stroke-width="0.5"/>`);
  }
  const perLegendRow = options.legendPerRow ?? legend.length;
  const itemW = 170;
  const legendY = top + h + 16;
  const legendRows = Math.ceil(legend.length / perLegendRow);
  const items = legend
    .map((l, i) => {
      const x = left + (i % perLegendRow) * itemW;
      const y = legendY + Math.floor(i / perLegendRow) * 18;
      return `<rect x="${x}" y="${y}" width="12" height="12" fill="${l.color}" stroke="#999" stroke-width="0.5"/><text x="${x + 18}" y="${y + 11}" font-size="12">${escapeHtml(l.name)}</text>`;
    })
    .join('');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${Math.max(left + w, left + perLegendRow * itemW)}" height="${legendY + legendRows * 18 + 2}" ` +
    `role="img" aria-label="memory map, one cell per page frame">` +
    `<title>Memory map: ${codes.length} page frames, ${perRow} per row, pfn 0 top left</title>` +
    out.join('') +
    items +
    `</svg>`
  );
}

/** Round numbers for a log axis between lo and hi: 1, 2, 5 × 10^k (whole numbers only). */
function logTicks(lo: number, hi: number): number[] {
  const ticks: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (const m of [1, 2, 5]) {
      const v = m * 10 ** e;
      if (v >= lo && v <= hi && v >= 1) ticks.push(v);
    }
  }
  return ticks;
}

/** A linear axis from 0: a round step (1, 2, 2.5 or 5 × 10^k) giving four or five intervals, and the top it reaches. */
function linearTicks(max: number): { ticks: number[]; top: number } {
  const raw = max / 4;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const f = raw / mag;
  const step = mag * (f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10);
  const top = Math.ceil(max / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let v = 0; v <= top + step / 2; v += step) ticks.push(v);
  return { ticks, top };
}

/** A line plot of several series sharing the x axis; optional event markers, reference lines and a log y axis. */
export function linePlotSvg(
  title: string,
  series: readonly Series[],
  xLabel: string,
  yLabel: string,
  width = 760,
  height = 300,
  options: PlotOptions = {},
): string {
  const markers = options.markers ?? [];
  const refLines = options.refLines ?? [];
  const below = options.legendBelow === true;
  const legendItems = [...series.map((s) => ({ name: s.name, color: s.color, tick: false })), ...markers.map((m) => ({ name: m.name, color: m.color, tick: true }))];
  const strip = markers.length * 7;
  const legendH = below ? Math.ceil(legendItems.length / 2) * 16 + 8 : 0;
  const pad = { l: 60, r: below ? 26 : 170, t: 24 + strip, b: 40 };
  const plotH = height - pad.t - pad.b;
  const all = series.flatMap((s) => s.points);
  const xMax = Math.max(1, ...all.map((p) => p[0]), ...markers.flatMap((m) => m.xs));
  const log = options.yScale === 'log';
  const yMin = log ? Math.max(1e-9, options.yMin ?? 1) : 0;
  const dataMax = Math.max(log ? yMin * 10 : 1, ...all.map((p) => p[1]), ...refLines.map((l) => l.y));
  const lin = linearTicks(dataMax);
  const yMax = log ? dataMax : lin.top;
  const px = (x: number) => pad.l + (x / xMax) * (width - pad.l - pad.r);
  const py = log
    ? (y: number) => height - pad.b - ((Math.log10(Math.max(y, yMin)) - Math.log10(yMin)) / (Math.log10(yMax) - Math.log10(yMin))) * plotH
    : (y: number) => height - pad.b - (y / yMax) * plotH;
  const lines = series
    .map((s) => {
      const d = s.points.map((p, i) => `${i === 0 ? 'M' : 'L'}${px(p[0]).toFixed(1)},${py(p[1]).toFixed(1)}`).join('');
      return `<path d="${d}" fill="none" stroke="${s.color}" stroke-width="1.5"><title>${escapeHtml(s.name)}</title></path>`;
    })
    .join('');
  const yTickValues = log ? logTicks(yMin, yMax) : lin.ticks;
  const ticks = yTickValues
    .map((v) => {
      const y = py(v);
      return `<line x1="${pad.l}" x2="${width - pad.r}" y1="${y}" y2="${y}" stroke="#e4e4e4"/>` +
        `<text x="${pad.l - 6}" y="${y + 4}" font-size="10" text-anchor="end">${Math.round(v).toLocaleString('en-US')}</text>`;
    })
    .join('');
  const xTicks = [0, 0.25, 0.5, 0.75, 1]
    .map((f) => `<text x="${px(xMax * f)}" y="${height - pad.b + 14}" font-size="10" text-anchor="middle">${Math.round(xMax * f).toLocaleString('en-US')}</text>`)
    .join('');
  // Reference lines, labelled in the right margin; labels closer than 11 px are pushed apart.
  const labelYs = refLines.map((l) => py(l.y)).map((y, i) => ({ y, i })).sort((a, b) => a.y - b.y);
  for (let k = 1; k < labelYs.length; k++) labelYs[k]!.y = Math.max(labelYs[k]!.y, labelYs[k - 1]!.y + 11);
  const labelY = new Map(labelYs.map((e) => [e.i, e.y]));
  const refs = refLines
    .map((l, i) => {
      const y = py(l.y);
      const label = below
        ? `<text x="${width - pad.r - 4}" y="${y - 3}" font-size="10" text-anchor="end" fill="${l.color}">${escapeHtml(l.label)}</text>`
        : `<text x="${width - pad.r + 6}" y="${labelY.get(i)! + 3.5}" font-size="10" fill="${l.color}">${escapeHtml(l.label)}</text>`;
      return `<line x1="${pad.l}" x2="${width - pad.r}" y1="${y}" y2="${y}" stroke="${l.color}" stroke-dasharray="5 3" stroke-width="1"/>` + label;
    })
    .join('');
  const marks = markers
    .map((m, i) => {
      const y0 = 22 + i * 7;
      const rules = m.rule ? m.xs.map((x) => `<line x1="${px(x).toFixed(1)}" x2="${px(x).toFixed(1)}" y1="${pad.t}" y2="${height - pad.b}" stroke="${m.color}" stroke-opacity="0.25"/>`).join('') : '';
      const tks = m.xs.map((x) => `<line x1="${px(x).toFixed(1)}" x2="${px(x).toFixed(1)}" y1="${y0}" y2="${y0 + 5}" stroke="${m.color}" stroke-width="1.5"/>`).join('');
      return rules + tks;
    })
    .join('');
  const legend = legendItems
    .map((it, i) => {
      const x = below ? pad.l + (i % 2) * ((width - pad.l) / 2) : width - pad.r + 12;
      const y = below ? height + 4 + Math.floor(i / 2) * 16 : pad.t + i * 16;
      const sw = it.tick ? `<rect x="${x + 4}" y="${y}" width="2" height="10" fill="${it.color}"/>` : `<rect x="${x}" y="${y + 3}" width="10" height="4" fill="${it.color}"/>`;
      return sw + `<text x="${x + 16}" y="${y + 9}" font-size="11">${escapeHtml(it.name)}</text>`;
    })
    .join('');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height + legendH}" role="img" aria-label="${escapeHtml(title)}">` +
    `<title>${escapeHtml(title)}</title>` +
    `<text x="${pad.l}" y="14" font-size="12" font-weight="bold">${escapeHtml(title)}</text>` +
    ticks +
    xTicks +
    refs +
    marks +
    `<line x1="${pad.l}" x2="${pad.l}" y1="${pad.t}" y2="${height - pad.b}" stroke="#333"/>` +
    `<line x1="${pad.l}" x2="${width - pad.r}" y1="${height - pad.b}" y2="${height - pad.b}" stroke="#333"/>` +
    `<text x="${(pad.l + width - pad.r) / 2}" y="${height - 6}" font-size="12" text-anchor="middle">${escapeHtml(xLabel)}</text>` +
    `<text x="14" y="${(pad.t + height - pad.b) / 2}" font-size="12" text-anchor="middle" transform="rotate(-90 14 ${(pad.t + height - pad.b) / 2})">${escapeHtml(yLabel + (log ? ' (log scale)' : ''))}</text>` +
    lines +
    legend +
    `</svg>`
  );
}

/** One bar of {@link barChartSvg}. */
export interface Bar {
  readonly name: string;
  readonly value: number;
  readonly color: string;
}

/** Horizontal bars with their values written at their ends. */
export function barChartSvg(title: string, bars: readonly Bar[], unit: string, width = 560): string {
  const left = 110;
  const barH = 22;
  const top = 24;
  const max = Math.max(1, ...bars.map((b) => b.value));
  const span = width - left - 110;
  const rows = bars
    .map((b, i) => {
      const y = top + i * (barH + 8);
      const w = (b.value / max) * span;
      return `<text x="${left - 8}" y="${y + 15}" font-size="12" text-anchor="end">${escapeHtml(b.name)}</text>` +
        `<rect x="${left}" y="${y}" width="${w.toFixed(1)}" height="${barH}" fill="${b.color}"/>` +
        `<text x="${left + w + 6}" y="${y + 15}" font-size="12">${escapeHtml(b.value.toLocaleString('en-US'))} ${escapeHtml(unit)}</text>`;
    })
    .join('');
  const h = top + bars.length * (barH + 8) + 4;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${h}" role="img" aria-label="${escapeHtml(title)}">` +
    `<title>${escapeHtml(title)}</title><text x="${left}" y="14" font-size="12" font-weight="bold">${escapeHtml(title)}</text>` +
    `<line x1="${left}" x2="${left}" y1="${top - 4}" y2="${h - 4}" stroke="#333"/>` +
    rows +
    `</svg>`
  );
}

/**
 * `/proc/buddyinfo` lines under a header naming each column's order and block size, aligned to the
 * kernel's format (`"Node %d, zone %8s "`, then `"%6lu "` per order).
 */
export function buddyinfoWithHeader(lines: readonly { readonly label: string; readonly text: string }[], pageSize = 4096): string {
  const orders = 11;
  const lead = 'Node 0, zone   Normal '.length;
  const size = (o: number) => {
    const kib = (pageSize << o) / 1024;
    return kib >= 1024 ? `${kib / 1024}M` : `${kib}K`;
  };
  const labelW = Math.max(0, ...lines.map((l) => l.label.length)) + 2;
  const pad = ' '.repeat(labelW);
  let head1 = pad + 'order'.padEnd(lead);
  let head2 = pad + 'block'.padEnd(lead);
  for (let o = 0; o < orders; o++) {
    head1 += String(o).padStart(6) + ' ';
    head2 += size(o).padStart(6) + ' ';
  }
  const body = lines.flatMap((l) => l.text.replace(/\n$/, '').split('\n').map((t, i) => (i === 0 ? l.label.padEnd(labelW) : pad) + t));
  return `<pre class="buddyinfo"><b>${escapeHtml(head1.trimEnd())}\n${escapeHtml(head2.trimEnd())}</b>\n${body.map(escapeHtml).join('\n')}</pre>`;
}

/** Eleven distinguishable colours, one per order. */
export const ORDER_COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf', '#000000'];

/** A figure with the sentence that says what it shows. */
export function figure(body: string, caption: string): string {
  return `<figure>${body}<figcaption>${escapeHtml(caption)}</figcaption></figure>`;
}

/** A whole page. `maxWidth` widens it for side-by-side figures. */
export function htmlPage(title: string, sections: readonly { heading: string; body: string }[], maxWidth = 1100): string {
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>` +
    `<style>body{font:14px/1.45 system-ui,sans-serif;margin:2em;max-width:${maxWidth}px;color:#222}` +
    `pre{background:#f6f6f6;padding:.8em;overflow:auto}table{border-collapse:collapse}` +
    `td,th{border:1px solid #ccc;padding:.25em .6em;text-align:right}th{background:#f0f0f0}td:first-child{text-align:left}` +
    `figure{margin:1em 0 1.6em}figcaption{max-width:760px;color:#444;font-size:13px;margin-top:.3em}` +
    `.side{display:flex;gap:18px;align-items:flex-start}.side>div{flex:1 1 0;min-width:0}.side h3{margin:.2em 0}</style>` +
    `</head><body><h1>${escapeHtml(title)}</h1>` +
    sections.map((s) => `<section><h2>${escapeHtml(s.heading)}</h2>${s.body}</section>`).join('') +
    `</body></html>\n`
  );
}

/** A two-column table of figures. */
export function figuresTable(rows: readonly (readonly [string, string | number])[]): string {
  return `<table>${rows.map(([k, v]) => `<tr><td>${escapeHtml(k)}</td><td>${escapeHtml(String(v))}</td></tr>`).join('')}</table>`;
}

/** A table with a header row: `head` names the columns, each row has one cell per column. */
export function gridTable(head: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const th = head.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const tr = rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(String(c))}</td>`).join('')}</tr>`).join('');
  return `<table><tr>${th}</tr>${tr}</table>`;
}
