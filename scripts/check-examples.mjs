#!/usr/bin/env node
/**
 * Every code example must compile, and run: the ```ts blocks of the TSDoc `@example`s in src/,
 * of the guide pages in docs/, of README.md and of examples/**\/README.md. Each block is written
 * to .examples-check/ as its own module, type-checked with TypeScript 6 and 7 against the built
 * package (`import … from 'memdesc'` resolves to dist/ through the package's self-reference, as it
 * does for a user), compiled, and run with Node. Build first (`npm run build`). A block whose refused lines carry
 * `// @ts-expect-error` still compiles; its refused lines never run, because a refused line is
 * either commented out or guarded by the example itself.
 *
 * Usage: node scripts/check-examples.mjs [--no-run]
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const out = join(root, '.examples-check');
const run = !process.argv.includes('--no-run');

function walk(dir, pred, acc = []) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.') || name === 'api') continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, pred, acc);
    else if (pred(p)) acc.push(p);
  }
  return acc;
}

/** ```ts blocks after an @example tag in doc comments; the leading ` * ` is stripped. */
function fromTsdoc(file) {
  const lines = readFileSync(file, 'utf8').split('\n');
  const blocks = [];
  let inExample = false;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i].replace(/^\s*\* ?/, '');
    if (/@example/.test(l)) inExample = true;
    if (/\*\//.test(lines[i])) inExample = inExample && !/^\s*\*\//.test(lines[i]) ? inExample : false;
    if (inExample && /^```ts\s*$/.test(l.trim())) {
      const body = [];
      let j = i + 1;
      for (; j < lines.length; j++) {
        const m = lines[j].replace(/^\s*\* ?/, '');
        if (m.trim() === '```') break;
        body.push(m);
      }
      blocks.push({ file, line: i + 1, code: body.join('\n') });
      i = j;
    }
  }
  return blocks;
}

/** ```ts blocks of a Markdown file. */
function fromMarkdown(file) {
  const lines = readFileSync(file, 'utf8').split('\n');
  const blocks = [];
  for (let i = 0; i < lines.length; i++) {
    if (/^```ts\s*$/.test(lines[i])) {
      const body = [];
      let j = i + 1;
      for (; j < lines.length && lines[j] !== '```'; j++) body.push(lines[j]);
      blocks.push({ file, line: i + 1, code: body.join('\n') });
      i = j;
    }
  }
  return blocks;
}

const blocks = [
  ...walk(join(root, 'src'), (p) => p.endsWith('.ts')).flatMap(fromTsdoc),
  ...walk(join(root, 'docs'), (p) => p.endsWith('.md')).flatMap(fromMarkdown),
  ...fromMarkdown(join(root, 'README.md')),
  ...walk(join(root, 'examples'), (p) => p.endsWith('README.md')).flatMap(fromMarkdown),
];
// Only self-contained programs: a block must import memdesc or one of its entry points (fragments that show a signature or a
// type shape are documentation of types, checked by type-tests/ instead).
const programs = blocks.filter((b) => /from 'memdesc(?:\/[\w-]+)?'/.test(b.code));

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const index = [];
programs.forEach((b, i) => {
  const name = `ex${String(i).padStart(3, '0')}.ts`;
  writeFileSync(join(out, name), `// ${relative(root, b.file)}:${b.line}\n${b.code}\nexport {};\n`);
  index.push({ name, where: `${relative(root, b.file)}:${b.line}` });
});
writeFileSync(
  join(out, 'tsconfig.json'),
  JSON.stringify({
    extends: '../tsconfig.json',
    compilerOptions: { rootDir: '.', outDir: 'js', noEmit: false, declaration: false, sourceMap: false, paths: {} },
    include: ['*.ts'],
  }),
);

let failed = false;
const where = (s) => s.replace(/(?:\.examples-check\/)?(ex\d{3})\.ts/g, (_, n) => index.find((x) => x.name === `${n}.ts`)?.where ?? n);
for (const [name, tsc, emit] of [
  ['TypeScript 6', join(root, 'node_modules/typescript/bin/tsc'), true],
  ['TypeScript 7', join(root, 'node_modules/typescript7/bin/tsc'), false],
]) {
  const r = spawnSync(process.execPath, [tsc, '-p', out, '--pretty', 'false', ...(emit ? [] : ['--noEmit'])], { encoding: 'utf8' });
  if (r.status !== 0) {
    failed = true;
    console.error(`${name}: examples do not compile:\n${where(r.stdout + r.stderr)}`);
  } else {
    console.log(`${name}: ${programs.length} examples compile (${blocks.length - programs.length} fragments without an import skipped)`);
  }
}
// The ownership checker (memdesc check) must find nothing in any example, beyond the lines an
// example marks `// @memdesc-expect-error <rule>` (a limit the checker covers; an unused marker is
// itself a finding).
if (!failed && !process.argv.includes('--no-checker')) {
  const r = spawnSync(process.execPath, [join(root, 'dist/cli/main.js'), 'check', '--json', '--tsconfig', join(out, 'tsconfig.json'), out], { encoding: 'utf8', cwd: root });
  if (r.status === 0) console.log(`memdesc check: no findings in ${programs.length} examples`);
  else {
    failed = true;
    let findings = [];
    try {
      findings = JSON.parse(r.stdout).findings;
    } catch {
      console.error(`memdesc check failed on the examples:\n${r.stdout}${r.stderr}`);
    }
    for (const f of findings) {
      const at = index.find((x) => f.file.endsWith(x.name))?.where ?? f.file;
      console.error(`memdesc check: example at ${at} (its line ${f.line - 1}): ${f.rule}: ${f.message}`);
    }
  }
}
if (run && !failed) {
  let ran = 0;
  for (const { name, where: at } of index) {
    const r = spawnSync(process.execPath, [join(out, 'js', name.replace(/\.ts$/, '.js'))], { encoding: 'utf8', timeout: 30_000 });
    if (r.status !== 0) {
      failed = true;
      console.error(`example at ${at} failed when run:\n${r.stderr.split('\n').slice(0, 8).join('\n')}`);
    } else ran++;
  }
  console.log(`${ran} of ${index.length} examples ran without error`);
}
rmSync(out, { recursive: true, force: true });
process.exit(failed ? 1 : 0);
