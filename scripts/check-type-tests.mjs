#!/usr/bin/env node
/**
 * Checks the tsd files in type-tests/ with TypeScript 6.0 and 7.0, so all three compilers (tsd's
 * bundled 5.9 being the third) give the same verdicts: every `expectError(…)` call must hold at
 * least one compile error, and no error may appear outside one.
 *
 * Usage: node scripts/check-type-tests.mjs [--print]   (--print shows each compiler's messages)
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const dir = join(root, 'type-tests');
const compilers = [
  ['TypeScript 6', join(root, 'node_modules/typescript/bin/tsc')],
  ['TypeScript 7', join(root, 'node_modules/typescript7/bin/tsc')],
];

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
    const line = (pos) => text.slice(0, pos).split('\n').length;
    spans.push({ start: line(m.index), end: line(i), hit: 0 });
  }
  return spans;
}

const files = readdirSync(dir).filter((f) => f.endsWith('.test-d.ts'));
const spansByFile = new Map(files.map((f) => [f, expectErrorSpans(readFileSync(join(dir, f), 'utf8'))]));
let failed = false;

for (const [name, tsc] of compilers) {
  const r = spawnSync(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json'), '--pretty', 'false'], {
    cwd: root,
    encoding: 'utf8',
  });
  const out = (r.stdout ?? '') + (r.stderr ?? '');
  const spans = new Map([...spansByFile].map(([f, s]) => [f, s.map((x) => ({ ...x }))]));
  const problems = [];
  for (const lineText of out.split('\n')) {
    const m = /^(?:.*[\\/])?type-tests[\\/]([^\\/(]+)\((\d+),(\d+)\): error (TS\d+): (.*)$/.exec(lineText);
    if (!m) {
      if (/error TS\d+/.test(lineText)) problems.push(`unexpected error outside type-tests: ${lineText}`);
      continue;
    }
    const [, file, l] = m;
    const line = Number(l);
    const span = spans.get(file)?.find((s) => line >= s.start && line <= s.end);
    if (span) span.hit++;
    else problems.push(`${file}:${line}: error where none is expected: ${m[4]} ${m[5]}`);
    if (process.argv.includes('--print')) console.log(`${name}  ${file}:${line}  ${m[4]}  ${m[5]}`);
  }
  for (const [file, list] of spans) {
    for (const s of list) if (s.hit === 0) problems.push(`${file}:${s.start}: expectError(…) but ${name} reports no error`);
  }
  const count = [...spans.values()].reduce((n, l) => n + l.length, 0);
  if (problems.length > 0) {
    failed = true;
    console.error(`${name}: ${problems.length} verdict(s) differ from tsd's\n  ${problems.join('\n  ')}`);
  } else {
    console.log(`${name}: ${files.length} type-test files, ${count} expected errors, verdicts agree`);
  }
}
process.exit(failed ? 1 : 0);
