/**
 * Self-contained HTML reports: an SVG memory map (one cell per pfn, coloured by what owns it) and
 * SVG plots over time. No scripts, no external resources.
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

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/**
 * The memory map as SVG: pfns left to right, top to bottom, in rows of `perRow`; each run of equal
 * codes in a row is one rectangle, so large machines stay small.
 */
export function memoryMapSvg(codes: Uint8Array, legend: readonly MapLegend[], perRow = 128, cell = 6): string {
  const rows = Math.ceil(codes.length / perRow);
  const colors = new Map(legend.map((l) => [l.code, l.color]));
  const w = perRow * cell;
  const h = rows * cell;
  const rects: string[] = [];
  for (let r = 0; r < rows; r++) {
    let c = 0;
    while (c < perRow && r * perRow + c < codes.length) {
      const code = codes[r * perRow + c]!;
      let end = c + 1;
      while (end < perRow && r * perRow + end < codes.length && codes[r * perRow + end] === code) end++;
      rects.push(`<rect x="${c * cell}" y="${r * cell}" width="${(end - c) * cell}" height="${cell}" fill="${colors.get(code) ?? '#999'}"/>`);
      c = end;
    }
  }
  const legendY = h + 16;
  const items = legend
    .map((l, i) => {
      const x = i * 170;
      return `<rect x="${x}" y="${legendY}" width="12" height="12" fill="${l.color}"/><text x="${x + 18}" y="${legendY + 11}" font-size="12">${escapeHtml(l.name)}</text>`;
    })
    .join('');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${Math.max(w, legend.length * 170)}" height="${legendY + 20}" ` +
    `role="img" aria-label="memory map, one cell per page frame">` +
    `<title>Memory map: ${codes.length} page frames, ${perRow} per row, pfn 0 top left</title>` +
    rects.join('') +
    items +
    `</svg>`
  );
}

/** A line plot of several series sharing the x axis. */
export function linePlotSvg(title: string, series: readonly Series[], xLabel: string, yLabel: string, width = 760, height = 300): string {
  const pad = { l: 60, r: 170, t: 24, b: 40 };
  const all = series.flatMap((s) => s.points);
  const xMax = Math.max(1, ...all.map((p) => p[0]));
  const yMax = Math.max(1, ...all.map((p) => p[1]));
  const px = (x: number) => pad.l + (x / xMax) * (width - pad.l - pad.r);
  const py = (y: number) => height - pad.b - (y / yMax) * (height - pad.t - pad.b);
  const lines = series
    .map((s) => {
      const d = s.points.map((p, i) => `${i === 0 ? 'M' : 'L'}${px(p[0]).toFixed(1)},${py(p[1]).toFixed(1)}`).join('');
      return `<path d="${d}" fill="none" stroke="${s.color}" stroke-width="1.5"><title>${escapeHtml(s.name)}</title></path>`;
    })
    .join('');
  const legend = series
    .map((s, i) => `<rect x="${width - pad.r + 12}" y="${pad.t + i * 16}" width="10" height="10" fill="${s.color}"/>` +
      `<text x="${width - pad.r + 28}" y="${pad.t + i * 16 + 9}" font-size="11">${escapeHtml(s.name)}</text>`)
    .join('');
  const ticks = [0, 0.25, 0.5, 0.75, 1]
    .map((f) => {
      const y = py(yMax * f);
      return `<line x1="${pad.l}" x2="${width - pad.r}" y1="${y}" y2="${y}" stroke="#ddd"/>` +
        `<text x="${pad.l - 6}" y="${y + 4}" font-size="10" text-anchor="end">${Math.round(yMax * f)}</text>`;
    })
    .join('');
  const xTicks = [0, 0.25, 0.5, 0.75, 1]
    .map((f) => `<text x="${px(xMax * f)}" y="${height - pad.b + 14}" font-size="10" text-anchor="middle">${Math.round(xMax * f)}</text>`)
    .join('');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" role="img" aria-label="${escapeHtml(title)}">` +
    `<title>${escapeHtml(title)}</title>` +
    ticks +
    xTicks +
    `<line x1="${pad.l}" x2="${pad.l}" y1="${pad.t}" y2="${height - pad.b}" stroke="#333"/>` +
    `<line x1="${pad.l}" x2="${width - pad.r}" y1="${height - pad.b}" y2="${height - pad.b}" stroke="#333"/>` +
    `<text x="${(pad.l + width - pad.r) / 2}" y="${height - 4}" font-size="12" text-anchor="middle">${escapeHtml(xLabel)}</text>` +
    `<text x="14" y="${(pad.t + height - pad.b) / 2}" font-size="12" text-anchor="middle" transform="rotate(-90 14 ${(pad.t + height - pad.b) / 2})">${escapeHtml(yLabel)}</text>` +
    lines +
    legend +
    `</svg>`
  );
}

/** Eleven distinguishable colours, one per order. */
export const ORDER_COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf', '#000000'];

/** A whole page. */
export function htmlPage(title: string, sections: readonly { heading: string; body: string }[]): string {
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>` +
    `<style>body{font:14px/1.45 system-ui,sans-serif;margin:2em;max-width:1100px;color:#222}` +
    `pre{background:#f6f6f6;padding:.8em;overflow:auto}table{border-collapse:collapse}` +
    `td,th{border:1px solid #ccc;padding:.25em .6em;text-align:right}th{background:#f0f0f0}td:first-child{text-align:left}</style>` +
    `</head><body><h1>${escapeHtml(title)}</h1>` +
    sections.map((s) => `<section><h2>${escapeHtml(s.heading)}</h2>${s.body}</section>`).join('') +
    `</body></html>\n`
  );
}

/** A two-column table of figures. */
export function figuresTable(rows: readonly (readonly [string, string | number])[]): string {
  return `<table>${rows.map(([k, v]) => `<tr><td>${escapeHtml(k)}</td><td>${escapeHtml(String(v))}</td></tr>`).join('')}</table>`;
}
