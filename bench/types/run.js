/**
 * memdesc type-checking cost benchmark: what does the ownership tracking cost the compiler?
 *
 *     npx tsc -p tsconfig.build.json         # builds dist/, whose index.d.ts is measured
 *     node bench/types/run.js                # full run: N = 1000, 2000, 4000; 5 runs each
 *     node bench/types/run.js --quick        # smoke run: N = 500, 1000; 1 run each
 *     node bench/types/run.js --families     # also profile each call family on its own
 *
 * Options:
 *   --quick            N = 500, 1000 and one run per measurement
 *   --families         after the main table, profile each call family (pages, folios, slab,
 *                      vmalloc, spinlock) alone, at N = 100 and N = 2000 (100 and 1000 with
 *                      --quick), to split its cost into a fixed part and a part per call site
 *   --family=NAME      run the main table with one family only (mixed, pages, folios, slab,
 *                      vmalloc, spinlock), or with one snippet shape only: snippet:NAME (page0,
 *                      pagesOrder, folio, kmalloc, kmemCache, vmalloc, spin; see SNIPPETS)
 *   --n=1000,2000      the N values of the main table
 *   --runs=K           runs per measurement (median taken)
 *   --compiler=ID      only one compiler: ts6, ts7 (default settings) or ts7-1 (--checkers 1)
 *   --keep             keep the generated programs (their directory is printed)
 *
 * Method:
 * - A consumer program with N call sites of memdesc's API is generated: functions of about 20
 *   call sites each, 10 functions per file, a realistic mix of the tracked API (allocPage /
 *   allocPages with a literal order and a null check, readRaw / writeRaw, freePage / freePages
 *   with the matching literal order, folioAlloc / folioGet / folioPage / getPage / putPage /
 *   folioPut, kmalloc / kfree, kmemCacheCreate / kmemCacheAlloc / kmemCacheFree, vmalloc /
 *   vmallocToPage / vfree, withSpinLock(lock, ctx => allocPage(ctx, GFP_ATOMIC)),
 *   virtToPage(pageAddress(p))). Every call of a memdesc function counts as a call site, including
 *   the per-file setup (createMemory, spinLockInit, kmemCacheCreate); N is exact.
 * - The SAME program text (only the import specifier differs) is compiled against the real API
 *   ('memdesc', i.e. this package's dist/index.d.ts through its package.json exports) and against
 *   bench/types/plain.d.ts ('memdesc-plain'), an untracked twin with plain signatures.
 * - Both are checked with `tsc --noEmit --extendedDiagnostics` with the project's compiler options
 *   (read from tsconfig.json: strict, target ES2022, module NodeNext, exactOptionalPropertyTypes,
 *   noUncheckedIndexedAccess, …; options about file locations and emit, such as paths, rootDir or
 *   declaration, are left out, so 'memdesc' resolves through package.json "exports" to
 *   dist/index.d.ts as it does for a user), with `types: []` (no @types/node: nothing in the
 *   program needs it) and `skipLibCheck: true` for both, so neither check time includes checking
 *   memdesc's own .d.ts files (or plain.d.ts): the comparison is about the consumer program. What
 *   the library's types cost once (the types the first calls resolve) is still in the numbers.
 * - Compilers: TypeScript 6 (node_modules/typescript/bin/tsc); TypeScript 7
 *   (node_modules/typescript7/bin/tsc) with its default settings, i.e. parallel checkers (its
 *   "Check time" is wall time over all checkers, and its "Instantiations" the sum over them: each
 *   checker resolves the library's types on its own); and TypeScript 7 with `--checkers 1`, which
 *   does the same work as TypeScript 6 (same Instantiations) without that duplication.
 * - Each measurement: one discarded warm-up run (which also verifies the program has zero errors),
 *   then RUNS runs (default 5), tracked and plain interleaved; the median "Check time" and the
 *   "Instantiations" count (deterministic for a given compiler; the median is reported) are kept.
 *   The ratio of the fastest runs is shown beside the ratio of medians: other processes only ever
 *   add time, and TypeScript 6's check time roughly doubles when it shares a CPU.
 * - Fixed vs per-call cost (information, not a verdict): a line through the fastest runs at the
 *   smallest and the largest N gives the check time per added call site and the fixed part,
 *   tracked and plain; likewise the instantiations per added call site.
 * - The 1-minute load average is printed at the start and the end; above half the CPU count the
 *   run is flagged as noisy.
 * - Verdicts, computed from the numbers: RATIO — tracked/plain median check time ≤ 1.5 (the target;
 *   the goal is 1.3, printed beside it) for every
 *   compiler and N; LINEARITY — tracked instantiations per call site at the largest N divided by
 *   that at the smallest N ≤ 1.2 (the per-call-site cost must not grow as the program grows; with a
 *   large fixed part it falls, so the marginal instantiations per added call site are printed too).
 *
 * Generated programs go to a fresh directory under the OS temp dir (os.tmpdir()/memdesc-bench-types-*)
 * and are removed at exit unless --keep; nothing is written inside the repository except the results,
 * bench/results/bench-types.json (git-ignored). Progress goes to stderr.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../..');
const RESULTS = join(ROOT, 'bench/results/bench-types.json');

// ------------------------------------------------------------------------------------ settings

const FAMILIES = ['mixed', 'pages', 'folios', 'slab', 'vmalloc', 'spinlock'];
const COMPILERS = [
  { id: 'ts6', name: 'TypeScript 6', argv: [join(ROOT, 'node_modules/typescript/bin/tsc')] },
  { id: 'ts7', name: 'TypeScript 7', argv: [join(ROOT, 'node_modules/typescript7/bin/tsc')] },
  // One checker: the same work as TypeScript 6 does (its Instantiations equal TypeScript 6's), without
  // the parallel checkers' duplicated fixed cost.
  { id: 'ts7-1', name: 'TypeScript 7 --checkers 1', argv: [join(ROOT, 'node_modules/typescript7/bin/tsc'), '--checkers', '1'] },
];
const RATIO_TARGET = 1.5;
const RATIO_GOAL = 1.3;
const LINEARITY_TARGET = 1.2;
const CALLS_PER_FUNCTION = 20;
const FUNCTIONS_PER_FILE = 10;

function usage(msg) {
  console.error(`bench/types: ${msg}\nusage: node bench/types/run.js [--quick] [--families] [--family=NAME] [--n=A,B,…] [--runs=K] [--compiler=ts6|ts7|ts7-1] [--keep]`);
  process.exit(2);
}

const opts = { quick: false, families: false, family: 'mixed', ns: null, runs: null, compiler: null, keep: false };
for (const a of process.argv.slice(2)) {
  const [k, v] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
  if (k === '--quick' && v === undefined) opts.quick = true;
  else if (k === '--families' && v === undefined) opts.families = true;
  else if (k === '--keep' && v === undefined) opts.keep = true;
  else if (k === '--family' && (FAMILIES.includes(v) || /^snippet:\w+$/.test(v ?? ''))) opts.family = v;
  else if (k === '--n' && v && /^\d+(,\d+)*$/.test(v)) opts.ns = v.split(',').map(Number);
  else if (k === '--runs' && v && /^[1-9]\d*$/.test(v)) opts.runs = Number(v);
  else if (k === '--compiler' && COMPILERS.some((c) => c.id === v)) opts.compiler = v;
  else usage(`bad argument ${a}`);
}
const NS = opts.ns ?? (opts.quick ? [500, 1000] : [1000, 2000, 4000]);
const RUNS = opts.runs ?? (opts.quick ? 1 : 5);
const WARMUP = !opts.quick;
const FAMILY_NS = opts.quick ? [100, 1000] : [100, 2000];
const compilers = COMPILERS.filter((c) => opts.compiler === null || c.id === opts.compiler);
if (NS.some((n) => n < 50)) usage('N must be at least 50');

// ------------------------------------------------------------------------------------ preconditions

const distDts = join(ROOT, 'dist/index.d.ts');
if (!existsSync(distDts)) {
  console.error('bench/types: dist/index.d.ts is missing. Build first: npx tsc -p tsconfig.build.json');
  process.exit(1);
}
for (const c of compilers) {
  if (!existsSync(c.argv[0])) {
    console.error(`bench/types: ${c.name} not found at ${c.argv[0]} (npm ci)`);
    process.exit(1);
  }
}
/** Newest mtime under a directory (files ending in .ts). */
function newestTs(dir) {
  let newest = 0;
  let file = '';
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      const [t, f] = newestTs(p);
      if (t > newest) [newest, file] = [t, f];
    } else if (e.name.endsWith('.ts')) {
      const t = statSync(p).mtimeMs;
      if (t > newest) [newest, file] = [t, p];
    }
  }
  return [newest, file];
}
const [srcNewest, srcNewestFile] = newestTs(join(ROOT, 'src'));
const distStale = srcNewest > statSync(distDts).mtimeMs;
if (distStale) {
  console.error(`bench/types: WARNING: dist/ is older than ${srcNewestFile.slice(ROOT.length + 1)}; the numbers describe the last build (npx tsc -p tsconfig.build.json)`);
}

// ------------------------------------------------------------------------------------ generator

/**
 * Snippets: each returns the statements (lines) and the number of memdesc calls in them. `k` is a
 * global counter used for unique names and for varying the literals (orders, sizes, indexes).
 */
const KMALLOC_SIZES = [32, 64, 128, 256, 512, 1024, 4096, 16384];
const VMALLOC_SIZES = [8192, 16384, 65536];
const SNIPPETS = {
  // allocPage + null check, writes, reads, a borrow through the linear map, free: 7 calls.
  page0: (k) => ({
    calls: 7,
    names: ['allocPage', 'GFP_KERNEL', 'writeRaw', 'readRaw', 'virtToPage', 'pageAddress', 'freePage'],
    lines: [
      `const p_${k} = allocPage(mem, GFP_KERNEL);`,
      `if (p_${k} !== null) {`,
      `  writeRaw(p_${k}, buf, 0);`,
      `  readRaw(p_${k}, buf, 0);`,
      `  const v_${k} = virtToPage(pageAddress(p_${k}));`,
      `  readRaw(v_${k}, buf, 8);`,
      `  freePage(p_${k});`,
      `}`,
    ],
  }),
  // allocPages with a literal order 0..3, freePages with the same literal: 4 calls.
  pagesOrder: (k) => {
    const o = k % 4;
    return {
      calls: 4,
      names: ['allocPages', 'GFP_KERNEL', 'writeRaw', 'readRaw', 'freePages'],
      lines: [
        `const q_${k} = allocPages(mem, GFP_KERNEL, ${o});`,
        `if (q_${k}) {`,
        `  writeRaw(q_${k}, buf, 16);`,
        `  readRaw(q_${k}, buf, 16);`,
        `  freePages(q_${k}, ${o});`,
        `}`,
      ],
    };
  },
  // A folio of literal order 0..3, a second reference, a page of it (literal index inside the
  // folio), a reference taken through that page: 8 calls.
  folio: (k) => {
    const o = k % 4;
    const n = (k * 7) % (1 << o);
    return {
      calls: 8,
      names: ['folioAlloc', 'GFP_KERNEL', 'folioGet', 'folioPage', 'readRaw', 'getPage', 'putPage', 'folioPut'],
      lines: [
        `const f_${k} = folioAlloc(mem, GFP_KERNEL, ${o});`,
        `if (f_${k}) {`,
        `  const g_${k} = folioGet(f_${k});`,
        `  const fp_${k} = folioPage(f_${k}, ${n});`,
        `  readRaw(fp_${k}, buf, 0);`,
        `  const r_${k} = getPage(fp_${k});`,
        `  putPage(r_${k});`,
        `  folioPut(g_${k});`,
        `  folioPut(f_${k});`,
        `}`,
      ],
    };
  },
  // kmalloc of a literal size (small: slab; 16384: large kmalloc), write, read, kfree: 4 calls.
  kmalloc: (k) => ({
    calls: 4,
    names: ['kmalloc', 'GFP_KERNEL', 'writeRaw', 'readRaw', 'kfree'],
    lines: [
      `const m_${k} = kmalloc(mem, ${KMALLOC_SIZES[k % KMALLOC_SIZES.length]}, GFP_KERNEL);`,
      `if (m_${k}) {`,
      `  writeRaw(m_${k}, buf, 0);`,
      `  readRaw(m_${k}, buf, 0);`,
      `  kfree(m_${k});`,
      `}`,
    ],
  }),
  // An object of one of the file's two caches: 3 calls.
  kmemCache: (k) => {
    const c = k % 2 === 0 ? 'cacheA' : 'cacheB';
    return {
      calls: 3,
      names: ['kmemCacheAlloc', 'GFP_KERNEL', 'writeRaw', 'kmemCacheFree'],
      lines: [`const o_${k} = kmemCacheAlloc(mem, ${c}, GFP_KERNEL);`, `if (o_${k}) {`, `  writeRaw(o_${k}, buf, 0);`, `  kmemCacheFree(${c}, o_${k});`, `}`],
    };
  },
  // A vmalloc area, a write, a borrow of its first page, a read through it, vfree: 5 calls.
  vmalloc: (k) => ({
    calls: 5,
    names: ['vmalloc', 'writeRaw', 'vmallocToPage', 'readRaw', 'vfree'],
    lines: [
      `const a_${k} = vmalloc(mem, ${VMALLOC_SIZES[k % VMALLOC_SIZES.length]});`,
      `if (a_${k}) {`,
      `  writeRaw(a_${k}, buf, 0);`,
      `  const vp_${k} = vmallocToPage(a_${k});`,
      `  readRaw(vp_${k}, buf, 0);`,
      `  vfree(a_${k});`,
      `}`,
    ],
  }),
  // An atomic allocation under a spinlock, freed after the unlock: 3 calls.
  spin: (k) => ({
    calls: 3,
    names: ['withSpinLock', 'allocPage', 'GFP_ATOMIC', 'freePage'],
    lines: [`const s_${k} = withSpinLock(lock, (ctx) => allocPage(ctx, GFP_ATOMIC));`, `if (s_${k}) freePage(s_${k});`],
  }),
};

/** Per family: the snippet cycle, and a tail of exactly r ≥ 2 calls (to make N exact). */
const readLines = (v, r) => Array.from({ length: r }, (_, i) => `  readRaw(${v}, buf, ${i});`);
const FAMILY_PLAN = {
  mixed: { cycle: ['page0', 'pagesOrder', 'folio', 'kmalloc', 'kmemCache', 'vmalloc', 'spin'], tail: 'pages' },
  pages: { cycle: ['page0', 'pagesOrder'], tail: 'pages' },
  folios: { cycle: ['folio'], tail: 'folios' },
  slab: { cycle: ['kmalloc', 'kmemCache'], tail: 'slab' },
  vmalloc: { cycle: ['vmalloc'], tail: 'vmalloc' },
  spinlock: { cycle: ['spin'], tail: 'spinlock' },
};
const TAILS = {
  pages: (k, r) => ({
    calls: r,
    names: ['allocPage', 'GFP_KERNEL', 'readRaw', 'freePage'],
    lines: [`const t_${k} = allocPage(mem, GFP_KERNEL);`, `if (t_${k}) {`, ...readLines(`t_${k}`, r - 2), `  freePage(t_${k});`, `}`],
  }),
  folios: (k, r) => ({
    calls: r,
    names: ['folioAlloc', 'GFP_KERNEL', 'readRaw', 'folioPut'],
    lines: [`const t_${k} = folioAlloc(mem, GFP_KERNEL, 0);`, `if (t_${k}) {`, ...readLines(`t_${k}`, r - 2), `  folioPut(t_${k});`, `}`],
  }),
  slab: (k, r) => ({
    calls: r,
    names: ['kmalloc', 'GFP_KERNEL', 'readRaw', 'kfree'],
    lines: [`const t_${k} = kmalloc(mem, 64, GFP_KERNEL);`, `if (t_${k}) {`, ...readLines(`t_${k}`, r - 2), `  kfree(t_${k});`, `}`],
  }),
  vmalloc: (k, r) => ({
    calls: r,
    names: ['vmalloc', 'readRaw', 'vfree'],
    lines: [`const t_${k} = vmalloc(mem, 8192);`, `if (t_${k}) {`, ...readLines(`t_${k}`, r - 2), `  vfree(t_${k});`, `}`],
  }),
  spinlock: (k, r) =>
    r === 2
      ? { calls: 2, names: ['withSpinLock', 'allocPage', 'GFP_ATOMIC'], lines: [`const t_${k} = withSpinLock(lock, (ctx) => allocPage(ctx, GFP_ATOMIC));`, `void t_${k};`] }
      : {
          calls: r,
          names: ['withSpinLock', 'allocPage', 'GFP_ATOMIC', 'readRaw', 'freePage'],
          lines: [
            `const t_${k} = withSpinLock(lock, (ctx) => allocPage(ctx, GFP_ATOMIC));`,
            `if (t_${k}) {`,
            ...readLines(`t_${k}`, r - 3),
            `  freePage(t_${k});`,
            `}`,
          ],
        },
};
const MAX_SNIPPET = Math.max(...Object.values(SNIPPETS).map((s) => s(0).calls));
/** One snippet shape only (--family=snippet:NAME), with the tail of its family. */
const SNIPPET_TAIL = { page0: 'pages', pagesOrder: 'pages', folio: 'folios', kmalloc: 'slab', kmemCache: 'slab', vmalloc: 'vmalloc', spin: 'spinlock' };
for (const [name, tail] of Object.entries(SNIPPET_TAIL)) FAMILY_PLAN[`snippet:${name}`] = { cycle: [name], tail };
if (!(opts.family in FAMILY_PLAN)) usage(`unknown family ${opts.family}`);

/**
 * Generates the program: returns { files: [{ name, body, names }], calls, byFunction } where body
 * is the text after the import line (identical for both APIs) and names the imported values.
 */
function generate(n, family) {
  const plan = FAMILY_PLAN[family];
  const usesLock = plan.cycle.includes('spin') || plan.tail === 'spinlock';
  const usesCaches = plan.cycle.includes('kmemCache');
  const setupCalls = 1 + (usesLock ? 1 : 0) + (usesCaches ? 2 : 0);
  const perFile = CALLS_PER_FUNCTION * FUNCTIONS_PER_FILE;
  const nFiles = Math.max(1, Math.round(n / perFile));
  const body = n - nFiles * setupCalls;
  const files = [];
  let k = 0;
  let cyc = 0;
  let total = 0;
  for (let f = 0; f < nFiles; f++) {
    const quota = Math.floor(body / nFiles) + (f < body % nFiles ? 1 : 0);
    const names = new Set(['createMemory']);
    const head = [`const mem = createMemory();`, `const buf = new Uint8Array(64);`];
    if (usesLock) {
      names.add('spinLockInit');
      head.push(`const lock = spinLockInit(mem, 'lock_${f}');`);
    }
    if (usesCaches) {
      names.add('kmemCacheCreate');
      head.push(`const cacheA = kmemCacheCreate(mem, 'cache_${f}_a', 96);`, `const cacheB = kmemCacheCreate(mem, 'cache_${f}_b', 192);`);
    }
    total += setupCalls;
    const fns = [];
    let cur = null;
    let left = quota;
    let fnIndex = 0;
    while (left > 0) {
      if (cur === null) cur = { lines: [], calls: 0 };
      let s;
      if (left <= MAX_SNIPPET + 1) {
        s = TAILS[plan.tail](k++, left);
      } else {
        s = SNIPPETS[plan.cycle[cyc++ % plan.cycle.length]](k++);
      }
      for (const nm of s.names) names.add(nm);
      cur.lines.push(...s.lines);
      cur.calls += s.calls;
      left -= s.calls;
      if (cur.calls >= CALLS_PER_FUNCTION || left === 0) {
        fns.push(`/** ${cur.calls} call sites. */\nexport function fn_${f}_${fnIndex++}(): void {\n${cur.lines.map((l) => '  ' + l).join('\n')}\n}\n`);
        total += cur.calls;
        cur = null;
      }
    }
    files.push({ name: `mod_${String(f).padStart(3, '0')}.ts`, names: [...names].sort(), body: `${head.join('\n')}\n\n${fns.join('\n')}` });
  }
  if (total !== n) throw new Error(`generator: ${total} call sites, wanted ${n}`);
  return { files, calls: total };
}

// ------------------------------------------------------------------------------------ workspace

const WORK = mkdtempSync(join(os.tmpdir(), 'memdesc-bench-types-'));
function cleanup() {
  if (!opts.keep) rmSync(WORK, { recursive: true, force: true });
}
process.on('exit', cleanup);
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    cleanup();
    process.exit(130);
  });
}
// node_modules/memdesc -> this package (resolved through its package.json "exports" to dist/index.d.ts);
// node_modules/memdesc-plain -> a copy of bench/types/plain.d.ts.
// The consumer is an ES module package, as the project is ("type": "module").
writeFileSync(join(WORK, 'package.json'), JSON.stringify({ name: 'memdesc-bench-types-consumer', private: true, type: 'module' }, null, 2));
mkdirSync(join(WORK, 'node_modules/memdesc-plain'), { recursive: true });
symlinkSync(ROOT, join(WORK, 'node_modules/memdesc'), 'dir');
writeFileSync(
  join(WORK, 'node_modules/memdesc-plain/package.json'),
  JSON.stringify({ name: 'memdesc-plain', version: '0.0.0', type: 'module', exports: { '.': { types: './index.d.ts' } } }, null, 2),
);
copyFileSync(join(HERE, 'plain.d.ts'), join(WORK, 'node_modules/memdesc-plain/index.d.ts'));

/**
 * The project's compiler options (tsconfig.json, read as JSONC by TypeScript's own reader, following
 * relative `extends`), minus those that concern where files are and what is emitted — in particular
 * `paths`/`baseUrl`/`customConditions`, which could send 'memdesc' to src/ instead of the published
 * dist/index.d.ts — plus noEmit, skipLibCheck: true and types: [].
 */
const DROPPED_OPTIONS = [
  'paths', 'baseUrl', 'rootDir', 'rootDirs', 'outDir', 'outFile', 'declarationDir', 'customConditions', 'typeRoots', 'types',
  'composite', 'incremental', 'tsBuildInfoFile', 'declaration', 'declarationMap', 'emitDeclarationOnly', 'sourceMap',
  'inlineSourceMap', 'inlineSources', 'noEmit', 'plugins', 'skipLibCheck',
];
function projectCompilerOptions(file, seen = new Set()) {
  if (seen.has(file)) throw new Error(`tsconfig extends cycle at ${file}`);
  seen.add(file);
  const ts = createRequire(import.meta.url)(join(ROOT, 'node_modules/typescript'));
  const { config, error } = ts.readConfigFile(file, ts.sys.readFile);
  if (error) throw new Error(`cannot read ${file}: ${ts.flattenDiagnosticMessageText(error.messageText, '\n')}`);
  let base = {};
  for (const ext of [config.extends ?? []].flat()) {
    if (!ext.startsWith('.')) throw new Error(`${file}: extends ${ext} (a package) is not supported by bench/types/run.js`);
    base = { ...base, ...projectCompilerOptions(resolve(dirname(file), ext.endsWith('.json') ? ext : `${ext}.json`), seen) };
  }
  return { ...base, ...(config.compilerOptions ?? {}) };
}
const projectOptions = projectCompilerOptions(join(ROOT, 'tsconfig.json'));
const COMPILER_OPTIONS = Object.fromEntries(Object.entries(projectOptions).filter(([k]) => !DROPPED_OPTIONS.includes(k)));
Object.assign(COMPILER_OPTIONS, { noEmit: true, skipLibCheck: true, types: [] });

/** Writes one program (tracked or plain) and returns its directory. */
function writeProgram(prog, api, tag) {
  const dir = join(WORK, `${tag}-${api}`);
  mkdirSync(join(dir, 'src'), { recursive: true });
  const spec = api === 'tracked' ? 'memdesc' : 'memdesc-plain';
  for (const f of prog.files) {
    writeFileSync(join(dir, 'src', f.name), `import { ${f.names.join(', ')} } from '${spec}';\n\n${f.body}`);
  }
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: COMPILER_OPTIONS, include: ['src/**/*.ts'] }, null, 2),
  );
  return dir;
}

// ------------------------------------------------------------------------------------ measuring

const FIELDS = {
  checkTime: /^Check time:\s+([\d.]+)s\s*$/m,
  totalTime: /^Total time:\s+([\d.]+)s\s*$/m,
  instantiations: /^Instantiations:\s+(\d+)\s*$/m,
  types: /^Types:\s+(\d+)\s*$/m,
  memoryKB: /^Memory used:\s+(\d+)K\s*$/m,
};
const missingFields = new Map(); // compiler id -> Set of field names it did not print

function runTsc(compiler, dir) {
  const r = spawnSync(process.execPath, [...compiler.argv, '-p', join(dir, 'tsconfig.json'), '--noEmit', '--extendedDiagnostics'], {
    cwd: dir,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  if (r.status !== 0 || /error TS\d+/.test(out)) {
    const errors = out.split('\n').filter((l) => /error TS\d+/.test(l));
    console.error(`bench/types: ${compiler.name} reported errors in ${dir} (exit ${r.status}):\n${errors.slice(0, 20).join('\n') || out.slice(0, 4000)}`);
    if (errors.length > 20) console.error(`… and ${errors.length - 20} more`);
    process.exit(1);
  }
  const m = {};
  for (const [k, re] of Object.entries(FIELDS)) {
    const x = re.exec(out);
    m[k] = x ? Number(x[1]) : null;
    if (!x) {
      if (!missingFields.has(compiler.id)) missingFields.set(compiler.id, new Set());
      missingFields.get(compiler.id).add(k);
    }
  }
  return m;
}

const median = (xs) => {
  const v = xs.filter((x) => x !== null).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const mid = v.length >> 1;
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
};

/** Measures tracked and plain (interleaved) for one compiler and one program. */
function measurePair(compiler, dirs) {
  const raw = { tracked: [], plain: [] };
  if (WARMUP) {
    runTsc(compiler, dirs.tracked);
    runTsc(compiler, dirs.plain);
  }
  for (let i = 0; i < RUNS; i++) {
    const order = i % 2 === 0 ? ['tracked', 'plain'] : ['plain', 'tracked'];
    for (const api of order) raw[api].push(runTsc(compiler, dirs[api]));
  }
  const summary = (runs) => ({
    checkTime: median(runs.map((r) => r.checkTime)),
    checkTimeMin: runs.some((r) => r.checkTime === null) ? null : Math.min(...runs.map((r) => r.checkTime)),
    checkTimeMax: runs.some((r) => r.checkTime === null) ? null : Math.max(...runs.map((r) => r.checkTime)),
    totalTime: median(runs.map((r) => r.totalTime)),
    instantiations: median(runs.map((r) => r.instantiations)),
    types: median(runs.map((r) => r.types)),
    memoryKB: median(runs.map((r) => r.memoryKB)),
    runs,
  });
  return { tracked: summary(raw.tracked), plain: summary(raw.plain) };
}

const started = performance.now();
const loadStart = os.loadavg();
if (loadStart[0] > os.cpus().length / 2) {
  console.error(
    `bench/types: WARNING: load average ${loadStart[0].toFixed(2)} on ${os.cpus().length} CPUs: other processes compete with tsc; check times will be noisy`,
  );
}
const progs = new Map();
let resolutionChecked = false;
/** The tracked program must see dist/index.d.ts (the published types), never src/. */
function checkResolution(dir) {
  const r = spawnSync(process.execPath, [COMPILERS[0].argv[0], '-p', join(dir, 'tsconfig.json'), '--listFilesOnly'], { encoding: 'utf8' });
  const files = r.stdout.split('\n').map((l) => l.trim());
  const fromSrc = files.filter((f) => f.startsWith(join(ROOT, 'src') + '/'));
  if (r.status !== 0 || !files.includes(distDts) || fromSrc.length > 0) {
    console.error(`bench/types: the tracked program does not resolve 'memdesc' to ${distDts}${fromSrc.length ? ` (it reads ${fromSrc[0]} …)` : ''}:\n${r.stdout}${r.stderr}`);
    process.exit(1);
  }
  resolutionChecked = true;
}
function program(n, family) {
  const key = `${family}-${n}`;
  if (!progs.has(key)) {
    const prog = generate(n, family);
    progs.set(key, { calls: prog.calls, files: prog.files.length, dirs: { tracked: writeProgram(prog, 'tracked', key), plain: writeProgram(prog, 'plain', key) } });
    if (!resolutionChecked) checkResolution(progs.get(key).dirs.tracked);
  }
  return progs.get(key);
}

const ratio = (a, b) => (a === null || b === null || b === 0 ? null : a / b);
const fmt = (x, d = 2) => (x === null || x === undefined ? 'n/a' : x.toFixed(d));

// Main table.
const rows = [];
for (const c of compilers) {
  for (const n of NS) {
    const p = program(n, opts.family);
    console.error(`bench/types: ${c.name}, ${opts.family}, N=${n} (${p.files} files) …`);
    const m = measurePair(c, p.dirs);
    rows.push({
      compiler: c.id,
      compilerName: c.name,
      family: opts.family,
      n,
      callSites: p.calls,
      files: p.files,
      tracked: m.tracked,
      plain: m.plain,
      checkRatio: ratio(m.tracked.checkTime, m.plain.checkTime),
      checkRatioMin: ratio(m.tracked.checkTimeMin, m.plain.checkTimeMin),
      instRatio: ratio(m.tracked.instantiations, m.plain.instantiations),
      trackedInstPerCall: m.tracked.instantiations === null ? null : m.tracked.instantiations / p.calls,
      plainInstPerCall: m.plain.instantiations === null ? null : m.plain.instantiations / p.calls,
    });
  }
}

// Verdicts.
const verdicts = [];
for (const c of compilers) {
  const rs = rows.filter((r) => r.compiler === c.id).sort((a, b) => a.n - b.n);
  const ratios = rs.map((r) => r.checkRatio);
  const worst = ratios.includes(null) ? null : Math.max(...ratios);
  verdicts.push({
    compiler: c.id,
    check: 'ratio',
    value: worst,
    target: RATIO_TARGET,
    verdict: worst === null ? 'N/A' : worst <= RATIO_TARGET ? 'PASS' : 'MISS',
    detail: `worst tracked/plain check time over N=${rs.map((r) => r.n).join(',')}`,
  });
  const first = rs[0];
  const last = rs[rs.length - 1];
  const growth = rs.length < 2 ? null : ratio(last.trackedInstPerCall, first.trackedInstPerCall);
  const marginal =
    rs.length < 2 || last.tracked.instantiations === null || first.tracked.instantiations === null
      ? null
      : (last.tracked.instantiations - first.tracked.instantiations) / (last.callSites - first.callSites);
  const plainMarginal =
    rs.length < 2 || last.plain.instantiations === null || first.plain.instantiations === null
      ? null
      : (last.plain.instantiations - first.plain.instantiations) / (last.callSites - first.callSites);
  const timeGrowth = rs.length < 2 ? null : ratio(last.tracked.checkTime / last.callSites, first.tracked.checkTime / first.callSites);
  // From the fastest run of each measurement: other processes only ever add time, so under
  // contention the minimum estimates the compiler's own cost better than the median does.
  const marginalMs = (api) =>
    rs.length < 2 || last[api].checkTimeMin === null || first[api].checkTimeMin === null
      ? null
      : ((last[api].checkTimeMin - first[api].checkTimeMin) * 1000) / (last.callSites - first.callSites);
  const fixedMs = (api) => {
    const m = marginalMs(api);
    return m === null ? null : first[api].checkTimeMin * 1000 - m * first.callSites;
  };
  verdicts.push({
    compiler: c.id,
    check: 'cost-split',
    verdict: 'INFO',
    detail: `linear fit of the fastest runs through N=${first?.n} and N=${last?.n}`,
    trackedMsPerCall: marginalMs('tracked'),
    plainMsPerCall: marginalMs('plain'),
    marginalRatio: ratio(marginalMs('tracked'), marginalMs('plain')),
    trackedFixedMs: fixedMs('tracked'),
    plainFixedMs: fixedMs('plain'),
  });
  verdicts.push({
    compiler: c.id,
    check: 'linearity',
    value: growth,
    target: LINEARITY_TARGET,
    verdict: growth === null ? 'N/A' : growth <= LINEARITY_TARGET ? 'PASS' : 'MISS',
    detail: `tracked instantiations per call site, N=${last?.n} / N=${first?.n}`,
    marginalInstPerCall: marginal,
    plainMarginalInstPerCall: plainMarginal,
    checkTimePerCallGrowth: timeGrowth,
  });
}

// Family profile: each family alone, at two sizes (fixed cost and cost per call site).
const familyRows = [];
if (opts.families) {
  for (const c of compilers) {
    for (const fam of FAMILIES) {
      const pts = FAMILY_NS.map((n) => {
        const p = program(n, fam);
        console.error(`bench/types: ${c.name}, family ${fam}, N=${n} …`);
        return { n, calls: p.calls, ...measurePair(c, p.dirs) };
      });
      const [lo, hi] = [pts[0], pts[pts.length - 1]];
      const per = (api, k) =>
        hi[api][k] === null || lo[api][k] === null ? null : (hi[api][k] - lo[api][k]) / (hi.calls - lo.calls);
      const msPer = (api) => (per(api, 'checkTimeMin') === null ? null : per(api, 'checkTimeMin') * 1000);
      familyRows.push({
        compiler: c.id,
        family: fam,
        n: hi.n,
        callSites: hi.calls,
        tracked: hi.tracked,
        plain: hi.plain,
        small: { n: lo.n, callSites: lo.calls, tracked: lo.tracked, plain: lo.plain },
        checkRatio: ratio(hi.tracked.checkTime, hi.plain.checkTime),
        instRatio: ratio(hi.tracked.instantiations, hi.plain.instantiations),
        trackedInstPerCall: hi.tracked.instantiations === null ? null : hi.tracked.instantiations / hi.calls,
        plainInstPerCall: hi.plain.instantiations === null ? null : hi.plain.instantiations / hi.calls,
        trackedMsPerCall: msPer('tracked'),
        plainMsPerCall: msPer('plain'),
        marginalRatio: ratio(msPer('tracked'), msPer('plain')),
        trackedFixedMs: msPer('tracked') === null ? null : lo.tracked.checkTimeMin * 1000 - msPer('tracked') * lo.calls,
        plainFixedMs: msPer('plain') === null ? null : lo.plain.checkTimeMin * 1000 - msPer('plain') * lo.calls,
        trackedMarginalInstPerCall: per('tracked', 'instantiations'),
        smallTrackedInst: lo.tracked.instantiations,
        smallTrackedTypes: lo.tracked.types,
      });
    }
  }
}
const elapsed = (performance.now() - started) / 1000;
const loadEnd = os.loadavg();

// ------------------------------------------------------------------------------------ report

function table(head, body) {
  const w = head.map((h, i) => Math.max(h.length, ...body.map((r) => String(r[i]).length)));
  const line = (cells) => cells.map((c, i) => (i < 2 ? String(c).padEnd(w[i]) : String(c).padStart(w[i]))).join('  ');
  return [line(head), w.map((x) => '-'.repeat(x)).join('  '), ...body.map(line)].join('\n');
}

const out = [];
out.push(
  `memdesc type-checking cost — ${opts.family} mix, ${RUNS} run(s) per measurement${WARMUP ? ' after a warm-up' : ''}; check times are medians ` +
    `("ratio of mins": fastest tracked / fastest plain run, information); skipLibCheck: true for both`,
);
out.push(`tracked: 'memdesc' (dist/index.d.ts${distStale ? ', STALE: older than src/' : ''}); plain: bench/types/plain.d.ts`);
out.push('');
out.push(
  table(
    ['compiler', 'N', 'tracked check s', 'plain check s', 'ratio', 'ratio of mins', 'tracked inst', 'plain inst', 'tracked inst/call', 'plain inst/call', 'tracked types', 'plain types'],
    rows.map((r) => [
      r.compilerName,
      r.n,
      fmt(r.tracked.checkTime, 3),
      fmt(r.plain.checkTime, 3),
      r.checkRatio === null ? 'n/a' : `${fmt(r.checkRatio)}x`,
      r.checkRatioMin === null ? 'n/a' : `${fmt(r.checkRatioMin)}x`,
      r.tracked.instantiations ?? 'n/a',
      r.plain.instantiations ?? 'n/a',
      fmt(r.trackedInstPerCall, 1),
      fmt(r.plainInstPerCall, 1),
      r.tracked.types ?? 'n/a',
      r.plain.types ?? 'n/a',
    ]),
  ),
);
out.push('');
for (const v of verdicts) {
  const name = compilers.find((c) => c.id === v.compiler).name;
  if (v.check === 'ratio') {
    out.push(
      `${v.verdict.padEnd(4)}  ${name}: check-time ratio ${v.value === null ? 'n/a' : fmt(v.value) + 'x'} (target ≤ ${RATIO_TARGET}x, goal ≤ ${RATIO_GOAL}x` +
        `${v.value !== null && v.value <= RATIO_GOAL ? ': goal met' : ''}; ${v.detail})`,
    );
  } else if (v.check === 'cost-split') {
    out.push(
      `INFO  ${name}: per added call site ${fmt(v.trackedMsPerCall, 3)} ms tracked vs ${fmt(v.plainMsPerCall, 3)} ms plain ` +
        `(${v.marginalRatio === null ? 'n/a' : fmt(v.marginalRatio) + 'x'}); fixed part ${fmt(v.trackedFixedMs, 0)} ms tracked vs ${fmt(v.plainFixedMs, 0)} ms plain (${v.detail})`,
    );
  } else {
    out.push(
      `${v.verdict.padEnd(4)}  ${name}: linearity, inst/call growth ${v.value === null ? 'n/a' : fmt(v.value) + 'x'} (target ≤ ${LINEARITY_TARGET}x; ${v.detail}); ` +
        `marginal inst per added call site: tracked ${fmt(v.marginalInstPerCall, 1)}, plain ${fmt(v.plainMarginalInstPerCall, 1)}; ` +
        `check time per call site grew ${v.checkTimePerCallGrowth === null ? 'n/a' : fmt(v.checkTimePerCallGrowth) + 'x'}`,
    );
  }
}
if (familyRows.length > 0) {
  out.push('');
  out.push(
    `Per family (each program uses one family of calls only) at N=${FAMILY_NS[FAMILY_NS.length - 1]}, median check times; ms/call and fixed ms from a linear fit of the fastest runs through N=${FAMILY_NS.join(' and N=')}:`,
  );
  out.push(
    table(
      ['compiler', 'family', 'tracked check s', 'plain check s', 'ratio', 'tracked ms/call', 'plain ms/call', 'tracked fixed ms', 'plain fixed ms', 'tracked inst', 'tracked inst/call (marginal)', `tracked types @N=${FAMILY_NS[0]}`],
      familyRows.map((r) => [
        compilers.find((c) => c.id === r.compiler).name,
        r.family,
        fmt(r.tracked.checkTime, 3),
        fmt(r.plain.checkTime, 3),
        r.checkRatio === null ? 'n/a' : `${fmt(r.checkRatio)}x`,
        fmt(r.trackedMsPerCall, 3),
        fmt(r.plainMsPerCall, 3),
        fmt(r.trackedFixedMs, 0),
        fmt(r.plainFixedMs, 0),
        r.tracked.instantiations ?? 'n/a',
        fmt(r.trackedMarginalInstPerCall, 2),
        r.smallTrackedTypes ?? 'n/a',
      ]),
    ),
  );
}
out.push('');
if (missingFields.size > 0) {
  for (const [id, fields] of missingFields) out.push(`note: ${compilers.find((c) => c.id === id).name} did not print: ${[...fields].join(', ')}`);
} else {
  out.push('note: every compiler printed Check time, Instantiations, Types, Memory used and Total time.');
}
out.push(
  'note: TypeScript 7 checks with parallel checkers by default (4; fewer when there are fewer files): its Check time is wall time ' +
    'over all of them, and each checker instantiates the library types it needs on its own, so its Instantiations are not ' +
    'comparable with TypeScript 6 and jump while N is small enough for the file count to limit the checkers.',
);
out.push(
  'note: skipLibCheck is true for both programs, so neither check time includes checking dist/*.d.ts or plain.d.ts; with ' +
    "skipLibCheck false the tracked program would also pay for checking memdesc's own declarations, once.",
);
out.push(
  `load average (1 min) ${loadStart[0].toFixed(2)} at start, ${loadEnd[0].toFixed(2)} at end, on ${os.cpus().length} CPUs` +
    (Math.max(loadStart[0], loadEnd[0]) > os.cpus().length / 2 ? ' — the machine was busy: check times are noisy' : ''),
);
out.push(`total runtime: ${elapsed.toFixed(1)} s${opts.keep ? `; generated programs kept in ${WORK}` : ''}`);
console.log(out.join('\n'));

mkdirSync(dirname(RESULTS), { recursive: true });
writeFileSync(
  RESULTS,
  JSON.stringify(
    {
      date: new Date().toISOString(),
      node: process.version,
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? null,
      settings: {
        familyNs: opts.families ? FAMILY_NS : null,
        quick: opts.quick,
        family: opts.family,
        ns: NS,
        runs: RUNS,
        warmup: WARMUP,
        callsPerFunction: CALLS_PER_FUNCTION,
        functionsPerFile: FUNCTIONS_PER_FILE,
        ratioTarget: RATIO_TARGET,
        ratioGoal: RATIO_GOAL,
        linearityTarget: LINEARITY_TARGET,
        compilerOptions: COMPILER_OPTIONS,
        droppedProjectOptions: Object.keys(projectOptions).filter((k) => DROPPED_OPTIONS.includes(k)),
        distStale,
      },
      compilers: compilers.map((c) => ({ id: c.id, name: c.name, path: c.argv[0].slice(ROOT.length + 1) })),
      missingFields: Object.fromEntries([...missingFields].map(([id, s]) => [id, [...s]])),
      rows,
      verdicts,
      families: familyRows,
      totalRuntimeSeconds: elapsed,
      loadAverage: { start: loadStart, end: loadEnd },
    },
    null,
    2,
  ) + '\n',
);
console.error(`bench/types: results written to ${RESULTS.slice(ROOT.length + 1)}`);
