/**
 * The ownership checker's entry point, independent of ESLint: give it a `ts.Program` and the
 * files to report on, get findings. `memdesc check` builds the Program from a tsconfig; the ESLint
 * plugin hands in typescript-eslint's.
 *
 * Findings on a line the compiler already refuses with `// @ts-expect-error` are left out (the
 * type layer reports them); `// @memdesc-expect-error [rule]` on the line before a finding
 * expects it (and is itself reported when nothing is found there), and ESLint's
 * `// eslint-disable-next-line memdesc/<rule>` / `// eslint-disable-line` comments are honoured
 * the same way ESLint would.
 *
 * @module
 */
import { ts } from './ts.js';
import { Analyzer } from './interp.js';
import type { Finding } from './rules.js';

/** Options of {@link checkProgram}. */
export interface CheckOptions {
  /** Honour `// @memdesc-expect-error` (and report one with nothing to expect). Default true. */
  readonly directives?: boolean;
  /**
   * Honour ESLint's `eslint-disable-next-line` / `eslint-disable-line` comments (default true;
   * the ESLint plugin turns it off: ESLint applies them itself, and reports unused ones).
   */
  readonly eslintDirectives?: boolean;
  /** Lines whose calls the compiler refuses besides `// @ts-expect-error` ones (tsd's `expectError(…)` spans). */
  readonly refusedLines?: (sf: ts.SourceFile) => Iterable<number>;
}

const engines = new WeakMap<ts.Program, Analyzer>();

/** The analyzer of a Program (one per Program: functions followed once are cached per run). */
function engineFor(program: ts.Program): Analyzer {
  let a = engines.get(program);
  if (!a) engines.set(program, (a = new Analyzer(program)));
  return a;
}

/** Runs the checker over `files` (all of the Program's non-declaration files by default). */
export function checkProgram(program: ts.Program, files?: readonly ts.SourceFile[], options: CheckOptions = {}): Finding[] {
  const an = engineFor(program);
  if (options.refusedLines) an.refusedHook = options.refusedLines;
  const out: Finding[] = [];
  const list = files ?? program.getSourceFiles().filter((f) => !f.isDeclarationFile && !program.isSourceFileFromExternalLibrary(f));
  for (const sf of list) out.push(...checkFile(an, sf, options));
  return out;
}

const fileResults = new WeakMap<ts.SourceFile, Finding[]>();
const fileResultsNoEslint = new WeakMap<ts.SourceFile, Finding[]>();

/** Findings of one file of a Program (cached per source file object). */
export function checkSourceFile(program: ts.Program, sf: ts.SourceFile, options: CheckOptions = {}): Finding[] {
  return checkFile(engineFor(program), sf, options);
}

const rawResults = new WeakMap<ts.SourceFile, Finding[]>();

function checkFile(an: Analyzer, sf: ts.SourceFile, options: CheckOptions): Finding[] {
  const eslint = options.eslintDirectives !== false;
  const cache = eslint ? fileResults : fileResultsNoEslint;
  const hit = cache.get(sf);
  if (hit) return hit;
  let raw = rawResults.get(sf);
  if (!raw) {
    const start = an.findings.length;
    an.analyzeFile(sf);
    raw = an.findings.slice(start).filter((f) => f.file === sf.fileName);
    rawResults.set(sf, raw);
  }
  const res = applyDirectives(sf, raw, options.directives !== false, eslint);
  res.sort((a, b) => a.line - b.line || a.column - b.column || a.rule.localeCompare(b.rule));
  cache.set(sf, res);
  return res;
}

interface Directive {
  readonly kind: 'ts-expect' | 'expect' | 'disable-next' | 'disable-line';
  readonly line: number;
  /** The line it applies to. */
  readonly target: number;
  readonly rules: readonly string[];
  readonly column: number;
}

function directives(sf: ts.SourceFile): Directive[] {
  const out: Directive[] = [];
  const text = sf.text;
  if (!/@ts-expect-error|@ts-ignore|@memdesc-expect-error|eslint-disable/.test(text)) return out;
  const lines = text.split('\n');
  const nextCodeLine = (i: number): number => {
    let j = i + 1;
    while (j < lines.length && (/^\s*$/.test(lines[j]!) || /^\s*\/\//.test(lines[j]!))) j++;
    return j + 1;
  };
  lines.forEach((l, i) => {
    let m: RegExpExecArray | null;
    if ((m = /\/\/\s*@ts-(expect-error|ignore)\b/.exec(l))) out.push({ kind: 'ts-expect', line: i + 1, target: nextCodeLine(i), rules: [], column: m.index + 1 });
    if ((m = /\/\/\s*@memdesc-expect-error\b([^\n]*)/.exec(l))) {
      const rules = (m[1]!.match(/[a-z][a-z-]+/g) ?? []).map((r) => (r.startsWith('memdesc/') ? r : `memdesc/${r}`)).filter((r) => r !== 'memdesc/' && !/^memdesc\/(the|a|an)$/.test(r));
      out.push({ kind: 'expect', line: i + 1, target: nextCodeLine(i), rules: rules.filter((r) => /^memdesc\/(use-after-free|double-free|use-after-move|leak|sleep-in-atomic|free-while-mapped)$/.test(r)), column: m.index + 1 });
    }
    if ((m = /\/\/\s*eslint-disable-next-line\b([^\n]*)/.exec(l)) || (m = /\/\*\s*eslint-disable-next-line\b([^*]*)\*\//.exec(l))) {
      out.push({ kind: 'disable-next', line: i + 1, target: i + 2, rules: (m[1]!.split('--')[0]!.match(/memdesc\/[a-z-]+/g) ?? []), column: m.index + 1 });
    } else if ((m = /\/\/\s*eslint-disable-line\b([^\n]*)/.exec(l))) {
      out.push({ kind: 'disable-line', line: i + 1, target: i + 1, rules: (m[1]!.split('--')[0]!.match(/memdesc\/[a-z-]+/g) ?? []), column: m.index + 1 });
    }
  });
  return out;
}

function applyDirectives(sf: ts.SourceFile, raw: Finding[], expect: boolean, eslint: boolean): Finding[] {
  const ds = directives(sf).filter((d) => eslint || (d.kind !== 'disable-next' && d.kind !== 'disable-line'));
  if (ds.length === 0) return raw;
  const matches = (d: Directive, f: Finding) => f.line === d.target && (d.rules.length === 0 || d.rules.includes(f.rule));
  const kept: Finding[] = [];
  const used = new Set<Directive>();
  for (const f of raw) {
    const d = ds.find((x) => (x.kind !== 'expect' || expect) && matches(x, f));
    if (d) {
      used.add(d);
      continue;
    }
    kept.push(f);
  }
  if (expect) {
    for (const d of ds) {
      if (d.kind === 'expect' && !used.has(d)) {
        kept.push({
          file: sf.fileName,
          line: d.line,
          column: d.column,
          rule: (d.rules[0] ?? 'memdesc/use-after-free') as Finding['rule'],
          message: `unused '@memdesc-expect-error' directive: the checker reports nothing${d.rules.length ? ` (${d.rules.join(', ')})` : ''} on line ${d.target}`,
        });
      }
    }
  }
  return kept;
}
