#!/usr/bin/env node
/**
 * Checks the tsd files in type-tests/ with TypeScript 5.9 (tsd's bundled compiler), 6.0 and 7.0, so
 * all three compilers give the same verdicts: every `expectError(…)` call must hold at least one
 * compile error, and no error may appear outside one. A line comment `// @ts-expect-error` is
 * honoured natively by every compiler (an unused one is itself an error, TS2578).
 *
 * Each compiler's messages for the expected errors are snapshotted in type-tests/__snapshots__/:
 * every diagnostic inside an `expectError(…)` span, plus every diagnostic on the line a
 * `// @ts-expect-error` comment applies to. Those messages are hidden by the directive, so they are
 * read from a temporary copy of type-tests/ (a sibling directory, removed afterwards) in which each
 * `// @ts-expect-error` is replaced by `// (expected error)`; there, that line must hold ≥1 error.
 *
 * Every snapshot entry should carry a readable rule sentence (a string-literal type of 25+
 * characters, which is how the library words its refusals) in its FIRST line — the line a reader
 * meets first, and the only one many editors show — not three lines down an elaboration. Two
 * markers, written in a comment on the refused line or on the line above it (for a
 * `// @ts-expect-error` line, in the directive's own comment), allow an exception and must say why:
 *   [TypeScript's own message: <why>]      no sentence is required (the error is about the test's
 *                                           own types, or is a TypeScript declaration check);
 *   [sentence below the first line: <why>] a sentence is required, but anywhere in the message
 *                                           (TypeScript prints a type the library does not control
 *                                           first, e.g. your own helper's `… & Live` parameter).
 * Entries that break the rule — and markers that are no longer needed — are listed as a warning at
 * the end, or fail the run with --strict-sentences.
 *
 * Usage: node scripts/check-type-tests.mjs [--update] [--strict-sentences] [--print]
 *   --update            rewrite the snapshots instead of comparing them
 *   --strict-sentences  fail (instead of warn) if an expected error lacks a readable sentence in its
 *                       first line (or anywhere, where marked), or a marker is not needed
 *   --print             show each compiler's messages as they are read
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';

const args = new Set(process.argv.slice(2));
for (const a of args) {
  if (!['--update', '--strict-sentences', '--print'].includes(a)) {
    console.error(`unknown option ${a}\nusage: node scripts/check-type-tests.mjs [--update] [--strict-sentences] [--print]`);
    process.exit(2);
  }
}
const update = args.has('--update');
const strictSentences = args.has('--strict-sentences');
const print = args.has('--print');

const started = performance.now();
const root = resolve(import.meta.dirname, '..');
const dir = join(root, 'type-tests');
const snapshotDir = join(dir, '__snapshots__');
/** The temporary copy sits next to type-tests/ (same depth, so '../dist/index.js' and the tsconfig's
 * `extends: ../tsconfig.json` still resolve). Per-process name: concurrent runs must not collide. */
const tmpDir = join(root, `type-tests-tmp-${process.pid}`);
const compilers = [
  { name: 'TypeScript 5.9 (tsd)', tsc: join(root, 'node_modules/@tsd/typescript/typescript/bin/tsc'), snapshot: 'typescript-5.9.txt' },
  { name: 'TypeScript 6', tsc: join(root, 'node_modules/typescript/bin/tsc'), snapshot: 'typescript-6.txt' },
  { name: 'TypeScript 7', tsc: join(root, 'node_modules/typescript7/bin/tsc'), snapshot: 'typescript-7.txt' },
];

const lineOf = (text, pos) => text.slice(0, pos).split('\n').length;

/** Line spans [start, end] (1-based) of each expectError( … ) call in a file. */
function expectErrorSpans(text) {
  const spans = [];
  const re = /expectError\s*(<[^>]*>)?\s*\(/g;
  for (let m; (m = re.exec(text)); ) {
    let depth = 0;
    let i = m.index + m[0].length - 1;
    for (; i < text.length; i++) {
      if (text[i] === '(') depth++;
      else if (text[i] === ')' && --depth === 0) break;
    }
    spans.push({ kind: 'expectError', start: lineOf(text, m.index), end: lineOf(text, i), hit: 0 });
  }
  return spans;
}

const directiveRe = /\/\/\s*@ts-expect-error\b/g;

/**
 * The line each `// @ts-expect-error` line comment applies to. Like the compilers, skip blank
 * lines and lines holding only a `//` comment between the directive and the code it covers.
 */
function directiveSpans(text) {
  const lines = text.split('\n');
  const spans = [];
  lines.forEach((l, i) => {
    const m = /^\s*\/\/\s*@ts-expect-error\b/.exec(l) ?? /\/\/\s*@ts-expect-error\b/.exec(l);
    if (!m) return;
    let j = i + 1;
    while (j < lines.length && (lines[j].trim() === '' || /^\s*\/\//.test(lines[j]))) j++;
    spans.push({ kind: '@ts-expect-error', comment: i + 1, start: j + 1, end: j + 1, hit: 0 });
  });
  return spans;
}

/** Parses `tsc --pretty false` output into diagnostics {path, line, col, code, text} and stray lines. */
function parseDiagnostics(out) {
  const diags = [];
  const stray = [];
  let current = null;
  for (const raw of out.split(/\r?\n/)) {
    const lineText = raw.replace(/\s+$/, '');
    const m = /^(.+)\((\d+),(\d+)\): error (TS\d+): (.*)$/.exec(lineText);
    if (m) {
      current = { path: m[1], line: Number(m[2]), col: Number(m[3]), code: m[4], text: [m[5]] };
      diags.push(current);
    } else if (/^\s/.test(lineText) && current) {
      current.text.push(lineText);
    } else if (lineText !== '' && !/^Found \d+ errors?/.test(lineText)) {
      current = null;
      stray.push(lineText);
    }
  }
  return { diags, stray };
}

function run(tsc, project) {
  return new Promise((done) => {
    const child = spawn(process.execPath, [tsc, '-p', project, '--pretty', 'false'], { cwd: root });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', (e) => done({ out: String(e), status: -1, signal: null }));
    child.on('close', (status, signal) => done({ out, status, signal }));
  });
}

/** Maps a diagnostic's path to a file name relative to type-tests/ (or null if outside it). */
function testFileOf(path, base) {
  const rel = relative(base, resolve(root, path));
  return rel.startsWith('..') || rel.includes(':') ? null : rel.split(sep).join('/');
}

/** Machine-independent message text: no absolute paths, no temporary directory names. */
const normalise = (s) => s.split(tmpDir).join(dir).split(root).join('<root>').replaceAll(`type-tests-tmp-${process.pid}`, 'type-tests');

// ---------------------------------------------------------------------------------------------

const files = readdirSync(dir).filter((f) => f.endsWith('.test-d.ts')).sort();
const sources = new Map(files.map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
const spansOf = (f) => [...expectErrorSpans(sources.get(f)), ...directiveSpans(sources.get(f))];
const hasDirectives = [...sources.values()].some((t) => new RegExp(directiveRe.source).test(t));

let failed = false;
const sentenceless = new Map(); // entry key -> { header, why, compilers[] }
const markersUsed = new Map(); // `${file}:${line}` -> { kind, needed: boolean }

function cleanup() {
  if (existsSync(tmpDir)) rmSync(tmpDir, { recursive: true, force: true });
}
process.on('exit', cleanup);
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(130));

if (hasDirectives) {
  cpSync(dir, tmpDir, { recursive: true, filter: (src) => !src.startsWith(snapshotDir) });
  writeFileSync(join(tmpDir, '.gitignore'), '*\n'); // never committed, even if a crash leaves it behind
  for (const f of files) writeFileSync(join(tmpDir, f), sources.get(f).replace(directiveRe, '// (expected error)'));
}

// Compile everything concurrently: the original files (verdicts) and, if needed, the copy (messages).
const results = await Promise.all(
  compilers.map(async (c) => {
    const [orig, copy] = await Promise.all([
      run(c.tsc, join(dir, 'tsconfig.json')),
      hasDirectives ? run(c.tsc, join(tmpDir, 'tsconfig.json')) : null,
    ]);
    return { ...c, orig, copy: copy ?? orig };
  }),
);
cleanup();

/** Readable rule sentence: a quoted string literal of 25+ characters (our refusals are string-literal types). */
const hasSentence = (text) => /"(?:[^"\\\n]|\\.){25,}"/.test(text) || /`(?:[^`\\\n]|\\.){25,}`/.test(text);

/**
 * The sentence marker that covers an expected error on `line` of `file` (1-based): found on the
 * span's lines, the line before the span, or (for `// @ts-expect-error`) the directive's line.
 */
const markerRe = /\[(TypeScript's own message|sentence below the first line):\s*[^\]\s][^\]]*\]/;
function markerFor(file, line) {
  const lines = sources.get(file).split('\n');
  const span = spansOf(file).find((sp) => line >= sp.start && line <= sp.end);
  const candidates = span ? [span.start - 1, ...Array.from({ length: span.end - span.start + 1 }, (_, i) => span.start + i)] : [line - 1, line];
  if (span?.comment) candidates.push(span.comment);
  for (const n of candidates) {
    const m = markerRe.exec(lines[n - 1] ?? '');
    if (m) return { kind: m[1] === "TypeScript's own message" ? 'own' : 'below', at: `${file}:${n}` };
  }
  return null;
}

const snapshots = [];
for (const c of results) {
  const problems = [];
  const runs = c.copy === c.orig ? [['', c.orig]] : [['', c.orig], [' (copy without @ts-expect-error)', c.copy]];
  for (const [label, r] of runs) {
    // tsc exits 0 (no errors), 1 or 2 (errors reported); anything else is a crash or a bad setup.
    if (r.signal || r.status === -1 || r.status > 2) {
      problems.push(`compiler failed${label} (status ${r.status}, signal ${r.signal}):\n    ${r.out.trim().split('\n').slice(0, 20).join('\n    ')}`);
    }
  }

  // 1. Verdicts, on the original files: errors only inside expectError spans, ≥1 in each.
  const { diags, stray } = parseDiagnostics(c.orig.out);
  for (const s of stray) problems.push(`unrecognised compiler output: ${s}`);
  const spans = new Map(files.map((f) => [f, expectErrorSpans(sources.get(f))]));
  for (const d of diags) {
    const file = testFileOf(d.path, dir);
    if (print) console.log(`${c.name}  ${file ?? d.path}:${d.line}  ${d.code}  ${d.text.join('\n')}`);
    if (file === null) {
      problems.push(`unexpected error outside type-tests: ${d.path}(${d.line},${d.col}): ${d.code} ${d.text[0]}`);
      continue;
    }
    const span = spans.get(file)?.find((s) => d.line >= s.start && d.line <= s.end);
    if (span) span.hit++;
    else problems.push(`${file}:${d.line}: error where none is expected: ${d.code} ${d.text[0]}`);
  }
  for (const [file, list] of spans) {
    for (const s of list) if (s.hit === 0) problems.push(`${file}:${s.start}: expectError(…) but ${c.name} reports no error`);
  }

  // 2. Messages, from the copy (identical to the original when there is no @ts-expect-error).
  const copy = c.copy === c.orig ? { diags, stray: [] } : parseDiagnostics(c.copy.out);
  for (const s of copy.stray) problems.push(`unrecognised compiler output (copy without @ts-expect-error): ${s}`);
  const expected = new Map(files.map((f) => [f, spansOf(f)]));
  const entries = [];
  for (const d of copy.diags) {
    const file = testFileOf(d.path, c.copy === c.orig ? dir : tmpDir);
    if (file === null) continue; // already reported from the original compile
    const inSpans = (expected.get(file) ?? []).filter((s) => d.line >= s.start && d.line <= s.end);
    if (inSpans.length === 0) continue;
    for (const s of inSpans) s.hit++;
    entries.push({ file, ...d, text: d.text.map(normalise) });
  }
  for (const [file, list] of expected) {
    for (const s of list) {
      if (s.kind === '@ts-expect-error' && s.hit === 0) {
        problems.push(`${file}:${s.comment}: // @ts-expect-error but ${c.name} reports no error on line ${s.start}`);
      }
    }
  }
  entries.sort(
    (a, b) =>
      (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
      a.line - b.line ||
      a.col - b.col ||
      (a.code < b.code ? -1 : a.code > b.code ? 1 : 0) ||
      (a.text.join('\n') < b.text.join('\n') ? -1 : a.text.join('\n') > b.text.join('\n') ? 1 : 0),
  );
  const body = entries.map((e) => [`${e.file}:${e.line}  ${e.code}  ${e.text[0]}`, ...e.text.slice(1)].join('\n'));
  const snapshotText =
    `# ${c.name}: messages of the expected errors in type-tests/ (sorted by file, line, column).\n` +
    `# Regenerate with: node scripts/check-type-tests.mjs --update\n\n` +
    (body.length ? body.join('\n') + '\n' : '');
  snapshots.push({ ...c, snapshotText, entryCount: entries.length });

  // 3. Readable sentences: in the first line, unless a marker says otherwise.
  for (const e of entries) {
    const marker = markerFor(e.file, e.line);
    const first = hasSentence(e.text[0]);
    const anywhere = hasSentence(e.text.join('\n'));
    if (marker) {
      const used = markersUsed.get(marker.at) ?? { kind: marker.kind, needed: false };
      if (!first) used.needed = true;
      markersUsed.set(marker.at, used);
    }
    let why = null;
    if (!first && !marker) why = anywhere ? 'the sentence is not in the first line' : 'no sentence';
    else if (!first && marker?.kind === 'below' && !anywhere) why = 'no sentence (marked: sentence below the first line)';
    if (why === null) continue;
    const header = `${e.file}:${e.line}  ${e.code}  ${e.text[0]}`;
    const key = `${e.file}:${e.line}:${e.col}:${e.code}`;
    const entry = sentenceless.get(key) ?? { file: e.file, line: e.line, col: e.col, header, why, compilers: [] };
    entry.compilers.push(c.name);
    sentenceless.set(key, entry);
  }

  const spanCount = [...expected.values()].reduce((n, l) => n + l.length, 0);
  const directiveCount = [...expected.values()].reduce((n, l) => n + l.filter((s) => s.kind === '@ts-expect-error').length, 0);
  if (problems.length > 0) {
    failed = true;
    console.error(`${c.name}: ${problems.length} verdict(s) differ from tsd's\n  ${problems.join('\n  ')}`);
  } else {
    console.log(
      `${c.name}: ${files.length} type-test files, ${spanCount} expected errors` +
        (directiveCount ? ` (${directiveCount} by @ts-expect-error)` : '') +
        `, verdicts agree, ${entries.length} messages`,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Snapshots.

/**
 * A short line diff (LCS) of two texts: the first few hunks of changed lines, each with at most
 * `perSide` removed and `perSide` added lines shown, with their line numbers.
 */
function diffSummary(oldText, newText, maxHunks = 3, perSide = 6) {
  const a = oldText.split('\n');
  const b = newText.split('\n');
  // Trim the common prefix and suffix, then LCS on the middle.
  let p = 0;
  while (p < a.length && p < b.length && a[p] === b[p]) p++;
  let s = 0;
  while (s < a.length - p && s < b.length - p && a[a.length - 1 - s] === b[b.length - 1 - s]) s++;
  const A = a.slice(p, a.length - s);
  const B = b.slice(p, b.length - s);
  const ops = []; // ['=', i, j] | ['-', i] | ['+', j], indices into a / b
  if (A.length * B.length <= 4e6) {
    const W = B.length + 1;
    const L = new Uint32Array((A.length + 1) * W);
    for (let i = A.length - 1; i >= 0; i--)
      for (let j = B.length - 1; j >= 0; j--)
        L[i * W + j] = A[i] === B[j] ? L[(i + 1) * W + j + 1] + 1 : Math.max(L[(i + 1) * W + j], L[i * W + j + 1]);
    let i = 0;
    let j = 0;
    while (i < A.length || j < B.length) {
      if (i < A.length && j < B.length && A[i] === B[j]) ops.push(['=', p + i++, p + j++]);
      else if (i < A.length && (j === B.length || L[(i + 1) * W + j] >= L[i * W + j + 1])) ops.push(['-', p + i++]);
      else ops.push(['+', p + j++]);
    }
  } else {
    for (let i = 0; i < A.length; i++) ops.push(['-', p + i]);
    for (let j = 0; j < B.length; j++) ops.push(['+', p + j]);
  }
  const hunks = [];
  for (let k = 0; k < ops.length; k++) {
    if (ops[k][0] === '=') continue;
    const h = { del: [], add: [] };
    for (; k < ops.length && ops[k][0] !== '='; k++) (ops[k][0] === '-' ? h.del : h.add).push(ops[k][1]);
    hunks.push(h);
  }
  const removed = hunks.reduce((n, h) => n + h.del.length, 0);
  const added = hunks.reduce((n, h) => n + h.add.length, 0);
  const out = [`  ${hunks.length} changed region(s), ${removed} line(s) removed, ${added} added (- snapshot, + now; line numbers in each file):`];
  for (const h of hunks.slice(0, maxHunks)) {
    for (const [sign, list, lines] of [['-', h.del, a], ['+', h.add, b]]) {
      for (const n of list.slice(0, perSide)) out.push(`    ${sign} ${String(n + 1).padStart(4)}  ${lines[n]}`);
      if (list.length > perSide) out.push(`    ${sign}       … ${list.length - perSide} more line(s)`);
    }
    out.push('    ----');
  }
  if (hunks.length > maxHunks) out.push(`    … ${hunks.length - maxHunks} more changed region(s)`);
  else out.pop();
  return out.join('\n');
}

if (update) {
  mkdirSync(snapshotDir, { recursive: true });
  for (const s of snapshots) {
    const path = join(snapshotDir, s.snapshot);
    const before = existsSync(path) ? readFileSync(path, 'utf8') : null;
    writeFileSync(path, s.snapshotText);
    const state = before === null ? 'created' : before === s.snapshotText ? 'unchanged' : 'updated';
    console.log(`wrote ${relative(root, path)} (${s.entryCount} messages, ${state})`);
  }
} else {
  for (const s of snapshots) {
    const path = join(snapshotDir, s.snapshot);
    const rel = relative(root, path);
    if (!existsSync(path)) {
      failed = true;
      console.error(`${s.name}: snapshot ${rel} is missing (run node scripts/check-type-tests.mjs --update)`);
      continue;
    }
    const old = readFileSync(path, 'utf8').replace(/\r\n/g, '\n');
    if (old === s.snapshotText) {
      console.log(`${s.name}: snapshot ${rel} matches`);
    } else {
      failed = true;
      console.error(`${s.name}: snapshot ${rel} differs (run with --update if the change is intended)\n${diffSummary(old, s.snapshotText)}`);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Readable sentences (warning unless --strict-sentences).

const unneeded = [...markersUsed].filter(([, m]) => !m.needed).map(([at]) => at);
const markerCount = (kind) => [...markersUsed.values()].filter((m) => m.kind === kind && m.needed).length;
if (markersUsed.size > 0) {
  console.log(
    `sentences: ${markerCount('below')} refusal(s) marked [sentence below the first line], ${markerCount('own')} marked [TypeScript's own message]; every other refusal names its rule in its first line`,
  );
}
if (sentenceless.size > 0 || unneeded.length > 0) {
  const list = [...sentenceless.values()].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || a.line - b.line || a.col - b.col);
  const all = compilers.length;
  const lines = [
    ...list.map((e) => `  ${e.header}   (${e.why}${e.compilers.length === all ? '' : `; ${e.compilers.join(', ')}`})`),
    ...unneeded.map((at) => `  ${at}: a sentence marker on a refusal whose first line already names its rule (remove the marker)`),
  ];
  const head = `${lines.length} expected error(s) do not name their rule in the first line (a quoted string literal of 25+ characters)`;
  if (strictSentences) {
    failed = true;
    console.error(`error: ${head}:\n${lines.join('\n')}`);
  } else {
    console.warn(`warning: ${head}:\n${lines.join('\n')}\n  (a warning; --strict-sentences, as npm test runs it, makes it fail)`);
  }
}

console.log(`done in ${((performance.now() - started) / 1000).toFixed(1)}s${failed ? ' — FAILED' : ''}`);
process.exit(failed ? 1 : 0);
