/**
 * memdesc trace-replay benchmark: events per second parsed and replayed (`replayTrace`), beside
 * the limit — plain line splitting of the same text with node:readline, counting lines.
 *
 *     npx tsc -p tsconfig.build.json   # builds dist/, which this file imports
 *     node bench/trace.js              # about 15 s
 *     node bench/trace.js --quick      # smoke test (< 5 s)
 *     node bench/trace.js --json-only  # print the JSON report instead of the table
 *
 * Input: the shared real trace (../shared/traces/kmem-6.1-512M-2cpu.txt.gz, Linux 6.1, 2 CPUs,
 * 72,299 events in 72,320 lines), decompressed once into memory. Every run reads that text as a
 * stream of 64 KiB chunks (`Readable.from`), as a file would arrive, so no run pays for disk or
 * gzip (a last row, information only, replays the .gz file from disk).
 *
 * Implementations, each given the same chunks:
 * - LIMIT: node:readline over the stream, counting `'line'` events — plain line splitting, with no
 *   parsing: the reference for what reading the lines costs. (`replayTrace` splits lines itself,
 *   src/trace/lines.ts, with a bound on the line length that readline lacks.)
 * - PARSE: readline plus `TraceParser.parseLine` on every line (records built, nothing replayed).
 * - PARSE+REPLAY: `replayTrace(stream)` — the whole library path: line splitting, the parser, the
 *   ownership model, findings, leak groups, the result object.
 * - FILE (information): `replayTrace(path)` on the .gz file: disk, gunzip, everything.
 *
 * Method: each implementation is warmed up (JIT) for at least 500 ms (100 ms with --quick), then
 * timed in RUNS runs of at least 1 s of work each (200 ms with --quick) — a run repeats the trace
 * in memory as many times as that takes. Runs of the implementations are interleaved, rotating
 * the order, so drift of the machine favours none. The figure reported is the median run's rate.
 * Each run checks its result: the line count (LIMIT, PARSE), the event count and the findings of
 * the shared trace (PARSE+REPLAY, FILE: 72,299 events, no certain bug, 125 uncertain double frees).
 *
 * Results: a table on stdout and bench/results/bench-trace.json. The target: ≥ 1,000,000 events/s
 * parsed and replayed.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { replayTrace, TraceParser } from '../dist/trace/index.js';

const quick = process.argv.includes('--quick');
const jsonOnly = process.argv.includes('--json-only');
const RUNS = quick ? 3 : 5;
const RUN_MS = quick ? 200 : 1000;
const WARMUP_MS = quick ? 100 : 500;
const TARGET_EVENTS_PER_SEC = 1_000_000;

const tracePath = fileURLToPath(new URL('../../shared/traces/kmem-6.1-512M-2cpu.txt.gz', import.meta.url));
const text = gunzipSync(readFileSync(tracePath));
const CHUNK = 1 << 16;
const log = (s) => process.stderr.write(s + '\n');

/** The decompressed text as a stream of 64 KiB chunks. */
function stream() {
  return Readable.from(
    (function* () {
      for (let i = 0; i < text.length; i += CHUNK) yield text.subarray(i, i + CHUNK);
    })(),
    { objectMode: false },
  );
}

/** The limit: readline, counting lines. */
function countLines() {
  return new Promise((resolve, reject) => {
    let n = 0;
    const input = stream();
    input.on('error', reject);
    const rl = createInterface({ input, crlfDelay: Infinity });
    rl.on('line', () => n++);
    rl.on('close', () => resolve(n));
  });
}

/** readline plus the parser. */
function parseLines() {
  return new Promise((resolve, reject) => {
    let n = 0;
    let page = 0;
    const p = new TraceParser();
    const input = stream();
    input.on('error', reject);
    const rl = createInterface({ input, crlfDelay: Infinity });
    rl.on('line', (l) => {
      const r = p.parseLine(l, ++n);
      if (r !== null && r.type === 'page') page++;
    });
    rl.on('close', () => resolve({ lines: n, events: page }));
  });
}

let LINES = 0;
let EVENTS = 0;

function checkReplay(r, what) {
  const events = Object.values(r.events).reduce((a, b) => a + b, 0);
  const df = r.findingCounts['double-free'];
  if (r.lines !== LINES || events !== EVENTS || r.certainBugs !== 0 || df.uncertain !== 125 || df.certain !== 0) {
    throw new Error(`${what}: unexpected result: ${r.lines} lines, ${events} events, ${r.certainBugs} certain bugs, double frees ${JSON.stringify(df)}`);
  }
}

const impls = {
  limit: {
    label: 'limit: readline, counting lines',
    async once() {
      const n = await countLines();
      if (n !== LINES) throw new Error(`limit: ${n} lines, expected ${LINES}`);
    },
  },
  parse: {
    label: 'readline + TraceParser (no replay)',
    async once() {
      const r = await parseLines();
      if (r.lines !== LINES || r.events !== EVENTS) throw new Error(`parse: ${JSON.stringify(r)}`);
    },
  },
  replay: {
    label: 'replayTrace: parse + replay',
    async once() {
      checkReplay(await replayTrace(stream()), 'replay');
    },
  },
  file: {
    label: 'replayTrace(.gz path) (information)',
    async once() {
      checkReplay(await replayTrace(tracePath), 'file');
    },
  },
};

/** How many passes over the trace fill `ms`. */
async function calibrate(impl, ms) {
  let reps = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) await impl.once();
    const dt = performance.now() - t0;
    if (dt >= ms) return { reps, dt };
    reps = Math.max(reps + 1, Math.ceil((reps * ms * 1.1) / Math.max(dt, 1)));
  }
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

async function main() {
  // The trace's own counts, from one replay (then every run is checked against them).
  const first = await replayTrace(stream());
  LINES = first.lines;
  EVENTS = Object.values(first.events).reduce((a, b) => a + b, 0);
  log(`trace: ${tracePath} — ${(text.length / 1e6).toFixed(1)} MB, ${LINES} lines, ${EVENTS} events`);

  const names = Object.keys(impls);
  const reps = {};
  for (const name of names) {
    await calibrate(impls[name], WARMUP_MS); // warm-up
    reps[name] = (await calibrate(impls[name], RUN_MS)).reps;
    log(`${name}: ${reps[name]} passes per run`);
  }
  const runs = Object.fromEntries(names.map((n) => [n, []]));
  for (let run = 0; run < RUNS; run++) {
    const order = names.map((_, i) => names[(i + run) % names.length]);
    for (const name of order) {
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < reps[name]; i++) await impls[name].once();
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      runs[name].push({ passes: reps[name], seconds });
    }
    log(`run ${run + 1}/${RUNS} done`);
  }

  const rows = names.map((name) => {
    const rates = runs[name].map((r) => (r.passes * EVENTS) / r.seconds);
    const eventsPerSec = median(rates);
    return {
      name,
      label: impls[name].label,
      passesPerRun: reps[name],
      runs: runs[name],
      medianSecondsPerPass: median(runs[name].map((r) => r.seconds / r.passes)),
      eventsPerSec,
      linesPerSec: (eventsPerSec * LINES) / EVENTS,
      mbPerSec: (eventsPerSec * text.length) / EVENTS / 1e6,
    };
  });
  const byName = Object.fromEntries(rows.map((r) => [r.name, r]));
  const replayRate = byName.replay.eventsPerSec;
  const report = {
    meta: {
      tool: 'memdesc bench/trace.js',
      date: new Date().toISOString(),
      memdesc: JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version,
      node: process.version,
      v8: process.versions.v8,
      platform: `${process.platform} ${process.arch}`,
      cpu: `${cpus()[0]?.model ?? 'unknown'} x${cpus().length}`,
      quick,
      runs: RUNS,
      runMs: RUN_MS,
      warmupMs: WARMUP_MS,
      chunkBytes: CHUNK,
    },
    trace: { path: 'shared/traces/kmem-6.1-512M-2cpu.txt.gz', bytes: text.length, lines: LINES, events: EVENTS },
    rows,
    replayToLimit: replayRate / byName.limit.eventsPerSec,
    target: { eventsPerSec: TARGET_EVENTS_PER_SEC, met: replayRate >= TARGET_EVENTS_PER_SEC },
  };
  const out = fileURLToPath(new URL('./results/bench-trace.json', import.meta.url));
  mkdirSync(fileURLToPath(new URL('./results/', import.meta.url)), { recursive: true });
  writeFileSync(out, JSON.stringify(report, null, 2) + '\n');

  if (jsonOnly) {
    console.log(JSON.stringify(report, null, 2));
    return;
  }
  const fmt = (x) => (x >= 1e6 ? `${(x / 1e6).toFixed(2)} M` : `${(x / 1e3).toFixed(0)} k`);
  console.log(`memdesc trace replay — ${LINES} lines, ${EVENTS} events (${report.meta.cpu}, node ${process.version})`);
  console.log(`${'implementation'.padEnd(40)} ${'events/s'.padStart(10)} ${'lines/s'.padStart(10)} ${'MB/s'.padStart(7)} ${'ms/pass'.padStart(8)} ${'of limit'.padStart(9)}`);
  for (const r of rows) {
    console.log(
      `${r.label.padEnd(40)} ${fmt(r.eventsPerSec).padStart(10)} ${fmt(r.linesPerSec).padStart(10)} ${r.mbPerSec.toFixed(0).padStart(7)} ${(r.medianSecondsPerPass * 1e3).toFixed(1).padStart(8)} ${((100 * r.eventsPerSec) / byName.limit.eventsPerSec).toFixed(0).padStart(8)}%`,
    );
  }
  console.log(`target: ≥ ${fmt(TARGET_EVENTS_PER_SEC)} events/s parsed and replayed — ${report.target.met ? 'met' : 'NOT MET'} (${fmt(replayRate)} events/s)`);
  console.log(`results written to ${out}`);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
