#!/usr/bin/env node
/**
 * How fast is the ownership checker? `memdesc check` is timed on examples/ and on a generated
 * consumer of 500, 1000 and 2000 functions (helpers that free, borrow, return and store handles;
 * classes with fields; Maps; loops; async continuations; spinlock callbacks), beside ESLint with
 * typescript-eslint's `recommended-type-checked` on the same files and tsconfig — the cost of a
 * type-aware lint a project already pays. Both are run as a user runs them, as a fresh process
 * (program creation and type checking included), alternating, several times; the median is kept.
 * Target: `memdesc check` ≤ 1.5× typescript-eslint, and linear in the size of the code.
 *
 * The machine is shared (2 cores, other work running): the ratios, measured in the same run, are
 * what to read, not the absolute times.
 *
 * Each generated module also holds one misuse (a use after free through a helper); the run fails
 * unless the checker reports exactly those.
 *
 * Writes bench/results/checker.json and bench/results/checker.md.
 *
 * Usage: node bench/checker.js [--sizes 500,1000,2000] [--runs 3]
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { checkProgram } from '../dist/checker/engine.js';

const root = resolve(import.meta.dirname, '..');
const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : dflt;
};
const sizes = opt('--sizes', '500,1000,2000').split(',').map(Number);
const runs = Number(opt('--runs', '3'));
const genRoot = join(root, 'bench', `.checker-gen-${process.pid}`);
const bin = join(root, 'dist/cli/main.js');
const eslintBin = join(root, 'node_modules/eslint/bin/eslint.js');

/** One module of the generated consumer: `per` groups of four functions (and a class). */
function moduleSource(m, per) {
  const out = [
    `import { allocPage, freePage, readRaw, writeRaw, folioAlloc, folioGet, folioPut, kmalloc, kfree, spinLockInit, withSpinLock, GFP_KERNEL, GFP_ATOMIC, type Memory, type Owned, type Page, type ARef, type Folio, type Live } from 'memdesc';`,
    `const buf = new Uint8Array(16);`,
  ];
  // One misuse per module (a use after free through a helper): the checker must find each.
  out.push(`
export function misuse${m}(mem: Memory): void {
  const p = allocPage(mem, GFP_KERNEL)!;
  release${m}_0(p);
  readRaw(p, buf, 0);
}`);
  for (let g = 0; g < per; g++) {
    const k = `${m}_${g}`;
    out.push(`
/** Borrows its argument. */
export function peek${k}(p: Page & Live, at: number): number {
  readRaw(p, buf, at % 8);
  return buf[0]! + at;
}

/** Frees its argument after using it. */
export function release${k}(p: Owned<Page<0>> & Live): void {
  writeRaw(p, buf, 0);
  freePage(p);
}

/** Allocates, lends to helpers, frees on every path. */
export function work${k}(mem: Memory, n: number): number {
  const p = allocPage(mem, GFP_KERNEL);
  if (!p) return -1;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    if (i % 3 === 0) continue;
    sum += peek${k}(p, i);
  }
  if (sum > 1000) {
    release${k}(p);
    return sum;
  }
  const f = folioAlloc(mem, GFP_KERNEL, 0);
  if (f) {
    const g = folioGet(f);
    folioPut(f);
    readRaw(g, buf, 0);
    folioPut(g);
  }
  release${k}(p);
  return sum;
}

/** A cache with a Map, a spinlock and an async drain. */
export class Cache${k} {
  private readonly slots = new Map<number, Owned<Page<0>>>();
  private readonly lock;
  constructor(private readonly mem: Memory) {
    this.lock = spinLockInit(mem);
  }
  fill(id: number): boolean {
    const p = withSpinLock(this.lock, (ctx) => allocPage(ctx, GFP_ATOMIC));
    if (!p) return false;
    const old = this.slots.get(id);
    if (old) freePage(old);
    this.slots.set(id, p);
    return true;
  }
  async drain(): Promise<number> {
    let n = 0;
    for (const [id, p] of this.slots) {
      await Promise.resolve(id);
      freePage(p);
      n++;
    }
    this.slots.clear();
    const b = kmalloc(this.mem, 64, GFP_KERNEL);
    if (b) kfree(b);
    return n;
  }
}`);
  }
  return out.join('\n');
}

/** Writes a consumer of about `fns` functions (4 per group, 5 groups per module). */
function generate(fns) {
  const dir = join(genRoot, String(fns));
  mkdirSync(join(dir, 'src'), { recursive: true });
  const groups = Math.ceil(fns / 4);
  const per = 5;
  const files = [];
  let modules = 0;
  for (let m = 0; m * per < groups; m++) {
    modules++;
    const f = join(dir, 'src', `mod${m}.ts`);
    writeFileSync(f, moduleSource(m, Math.min(per, groups - m * per)));
    files.push(f);
  }
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { strict: true, target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', lib: ['ES2022', 'ESNext.Disposable'], types: [], skipLibCheck: true, noEmit: true },
      include: ['src'],
    }),
  );
  return { dir, files, modules, tsconfig: join(dir, 'tsconfig.json') };
}

function eslintConfig(dir, tsconfig) {
  // In the project's folder (flat config only lints files under it); removed after the runs.
  const file = join(dir, `.eslint-bench-${process.pid}.config.mjs`);
  writeFileSync(
    file,
    `import tseslint from ${JSON.stringify(join(root, 'node_modules/typescript-eslint/dist/index.js'))};
export default [
  ...tseslint.configs.recommendedTypeChecked,
  { languageOptions: { parserOptions: { project: ${JSON.stringify(tsconfig)}, tsconfigRootDir: ${JSON.stringify(dir)} } } },
];
`,
  );
  return file;
}

/** In this process: building the Program, then the checker's own work on it (analysis + the type queries it makes). */
function phases(tsconfig, fns) {
  const cfg = ts.getParsedCommandLineOfConfigFile(tsconfig, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
  const t0 = performance.now();
  const program = ts.createProgram({ rootNames: cfg.fileNames, options: cfg.options });
  const t1 = performance.now();
  const files = program.getSourceFiles().filter((f) => cfg.fileNames.includes(f.fileName));
  checkProgram(program, files);
  const t2 = performance.now();
  return { functions: fns, programMs: Math.round(t1 - t0), analysisMs: Math.round(t2 - t1), analysisMsPerFunction: +((t2 - t1) / fns).toFixed(3) };
}

function time(cmd, args, cwd) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [cmd, ...args], { cwd, encoding: 'utf8', maxBuffer: 1 << 28 });
  const ms = performance.now() - t0;
  return { ms, status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function measure(label, dir, tsconfig, paths, fns, expectFindings) {
  const cfg = eslintConfig(dir, tsconfig);
  try {
    return measureWith(cfg, label, dir, tsconfig, paths, fns, expectFindings);
  } finally {
    rmSync(cfg, { force: true });
  }
}

function measureWith(cfg, label, dir, tsconfig, paths, fns, expectFindings) {
  const check = [];
  const lint = [];
  let findings = null;
  for (let i = 0; i < runs; i++) {
    const c = time(bin, ['check', '--json', '--tsconfig', tsconfig, ...paths], dir);
    if (c.status !== 0 && c.status !== 1) throw new Error(`memdesc check failed on ${label}: ${c.stderr}`);
    findings = JSON.parse(c.stdout).findings.length;
    if (expectFindings !== undefined && findings !== expectFindings) throw new Error(`${label}: ${findings} findings, expected ${expectFindings}`);
    check.push(c.ms);
    const l = time(eslintBin, ['--no-warn-ignored', '-c', cfg, '--format', 'json', ...paths], dir);
    if (l.status !== 0 && l.status !== 1) throw new Error(`eslint failed on ${label}: ${l.stderr}`);
    lint.push(l.ms);
  }
  const row = { label, functions: fns, checkMs: Math.round(median(check)), eslintMs: Math.round(median(lint)), findings };
  row.ratio = +(row.checkMs / row.eslintMs).toFixed(2);
  row.checkMsPerFunction = fns ? +(row.checkMs / fns).toFixed(2) : null;
  console.log(`${label.padEnd(28)} memdesc check ${String(row.checkMs).padStart(6)} ms   typescript-eslint ${String(row.eslintMs).padStart(6)} ms   ratio ${row.ratio}   findings ${findings}`);
  return row;
}

const rows = [];
const inProcess = [];
try {
  // examples/: the shipped Binder example, with its own tsconfig.
  rows.push(measure('examples/ (Binder)', root, join(root, 'tsconfig.examples.json'), ['examples/binder'], 0));
  for (const n of sizes) {
    const g = generate(n);
    rows.push(measure(`generated, ${n} functions`, g.dir, g.tsconfig, ['src'], n, g.modules));
    inProcess.push(phases(g.tsconfig, n));
  }
} finally {
  rmSync(genRoot, { recursive: true, force: true });
}

const gen = rows.filter((r) => r.functions);
// Linearity: the marginal cost per function between sizes (program creation is a fixed cost).
const marginal = gen.slice(1).map((r, i) => ({ from: gen[i].functions, to: r.functions, msPerFunction: +((r.checkMs - gen[i].checkMs) / (r.functions - gen[i].functions)).toFixed(2) }));
const result = { date: new Date().toISOString(), node: process.version, runs, rows, marginal, inProcess, target: 'memdesc check <= 1.5x typescript-eslint recommended-type-checked' };
mkdirSync(join(root, 'bench/results'), { recursive: true });
writeFileSync(join(root, 'bench/results/checker.json'), `${JSON.stringify(result, null, 2)}\n`);
const md = [
  '# memdesc check vs typescript-eslint recommended-type-checked',
  '',
  `Median of ${runs} runs each, alternating, fresh processes (${process.version}). Shared 2-core machine: read the ratios.`,
  '',
  '| code | functions | memdesc check (ms) | typescript-eslint (ms) | ratio | findings |',
  '|---|---:|---:|---:|---:|---:|',
  ...rows.map((r) => `| ${r.label} | ${r.functions || '—'} | ${r.checkMs} | ${r.eslintMs} | ${r.ratio} | ${r.findings} |`),
  '',
  'Marginal cost of `memdesc check` per function (linear if these agree):',
  '',
  ...marginal.map((m) => `- ${m.from} → ${m.to} functions: ${m.msPerFunction} ms per function`),
  '',
  'In one process: building the Program, then `checkProgram` (the analysis, with the type queries it makes):',
  '',
  '| functions | Program (ms) | checker (ms) | checker per function (ms) |',
  '|---:|---:|---:|---:|',
  ...inProcess.map((r) => `| ${r.functions} | ${r.programMs} | ${r.analysisMs} | ${r.analysisMsPerFunction} |`),
  '',
].join('\n');
writeFileSync(join(root, 'bench/results/checker.md'), md);
console.log(`\n${md}`);
const worst = Math.max(...rows.map((r) => r.ratio));
console.log(worst <= 1.5 ? `target met: worst ratio ${worst}` : `TARGET MISSED: worst ratio ${worst} > 1.5`);
