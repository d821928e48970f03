/**
 * Runs bench/run.js N times, each in a fresh process, and prints the median and the spread
 * (min..max over the N processes) of every cell: the median run of each implementation and each
 * ratio. Ratios are taken within each process (its implementations ran interleaved), then their
 * median across processes, so a shared machine's load moves the ns figures more than the ratios.
 *
 *     node bench/repeat.js [N=5] [-- args for run.js]
 *
 * Writes bench/results/bench-repeat.json (every process's report and the summary).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const dash = args.indexOf('--');
const n = Number(dash === 0 ? 5 : (args[0] ?? 5));
const passThrough = dash >= 0 ? args.slice(dash + 1) : [];
if (!Number.isInteger(n) || n < 1) {
  console.error('usage: node bench/repeat.js [N] [-- run.js args]');
  process.exit(2);
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const reports = [];
for (let i = 0; i < n; i++) {
  process.stderr.write(`repeat: process ${i + 1}/${n}\n`);
  const r = spawnSync(process.execPath, [join(HERE, 'run.js'), '--json-only', ...passThrough], { encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) throw new Error(`repeat: run.js failed with status ${r.status}`);
  reports.push(JSON.parse(r.stdout));
}
const COLS = ['limit', 'floor', 'default', 'fast', 'stacks', 'peer'];
const RATIOS = ['defaultToFloor', 'defaultToFast', 'defaultToPeer', 'stacksToDefault'];
const summary = reports[0].scenarios.map((s0) => {
  const same = reports.map((r) => r.scenarios.find((s) => s.id === s0.id));
  const cell = (vals) => (vals.some((v) => v === null || v === undefined) ? null : { median: median(vals), min: Math.min(...vals), max: Math.max(...vals) });
  return {
    id: s0.id,
    ns: Object.fromEntries(COLS.map((c) => [c, cell(same.map((s) => s.impls[c]?.medianNsPerOp))])),
    ratios: Object.fromEntries(RATIOS.map((k) => [k, cell(same.map((s) => s.ratios[k]))])),
    verdicts: s0.targets.map((t, i) => ({ target: t.target, verdicts: same.map((s) => s.targets[i]?.verdict) })),
    sanityOk: same.every((s) => Object.values(s.impls).every((x) => x.sanity.ok)),
  };
});
const f = (c, x = '') => (c === null ? '-' : `${c.median >= 100 ? c.median.toFixed(0) : c.median.toFixed(2)}${x}`);
const spread = (c) => (c === null ? '' : ` (${c.min.toFixed(2)}..${c.max.toFixed(2)})`);
const header = ['scenario (median ns/op)', ...COLS, 'def/floor (min..max)', 'def/fast (min..max)', 'def/peer (min..max)', 'stk/def'];
const rows = summary.map((s) => [
  s.id,
  ...COLS.map((c) => f(s.ns[c])),
  f(s.ratios.defaultToFloor, 'x') + spread(s.ratios.defaultToFloor),
  f(s.ratios.defaultToFast, 'x') + spread(s.ratios.defaultToFast),
  f(s.ratios.defaultToPeer, 'x') + spread(s.ratios.defaultToPeer),
  f(s.ratios.stacksToDefault, 'x'),
]);
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
console.log(line(header));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const r of rows) console.log(line(r));
console.log(`\n${n} processes; ns: median over processes of each process's median run; ratios: taken within each process, then the median (min..max over processes).`);
for (const s of summary) for (const v of s.verdicts) console.log(`  ${s.id.padEnd(28)} ${v.target.padEnd(32)} ${v.verdicts.join(' ')}`);
const creates = reports.map((r) => r.createMemory).filter(Boolean);
if (creates.length > 0) {
  for (const m of ['default', 'fast', 'limit']) {
    console.log(`  createMemory-64GiB ${m.padEnd(8)} create ${median(creates.map((c) => c[m].medianCreateMs)).toFixed(0)} ms, max RSS ${Math.max(...creates.map((c) => c[m].maxRssMiB)).toFixed(0)} MiB`);
  }
}
console.log(`post-run checks: ${summary.every((s) => s.sanityOk) ? 'all passed' : 'FAILED in ' + summary.filter((s) => !s.sanityOk).map((s) => s.id).join(', ')}`);
mkdirSync(join(HERE, 'results'), { recursive: true });
writeFileSync(join(HERE, 'results', 'bench-repeat.json'), JSON.stringify({ summary, reports }, null, 2) + '\n');
