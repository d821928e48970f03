#!/usr/bin/env node
/**
 * Scores the ownership checker against the corpus of test/checker/corpus/ (see its README.md).
 *
 * Runs `node dist/cli/main.js check --json [--tsconfig <corpus>/tsconfig.json] <corpus>` — the
 * contract of ../shared/API.md: `{"findings":[{"file","line","column","rule","message"}]}` on
 * stdout, exit 0 clean, 1 findings, 2 bad input — and matches the findings, by file and line, to
 * the corpus markers:
 *
 *   `// expect: <kind>`       the line of a misuse (one misuse per program);
 *   `// expect-also: <kind>`  another line where a finding for the same misuse counts (a leak's
 *                             exit line, the other end of a closure or an async continuation).
 *
 * A misuse is *flagged* when some finding sits on its line or one of its also-lines, whatever the
 * rule; the score also says whether the rule names the kind. Every other finding is *spurious*: on
 * a file without markers (a correct program or a helper module) it is a false positive on correct
 * code; on a misuse program it is a finding on a line that is not the bug.
 *
 * Usage:
 *   node scripts/score-checker.mjs [--json] [--corpus DIR] [--cli FILE] [--min-recall 0.9]
 *   node scripts/score-checker.mjs --markers [--corpus DIR]     (prints the parsed markers as JSON)
 *
 * Exit status: 0 when recall ≥ the minimum (90%) and there is no spurious finding; 1 otherwise;
 * 2 when the checker could not be run or did not answer with the contract (the `check` command
 * missing, no build, unparsable output).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');

/** The six kinds a marker may name. */
const KINDS = ['use-after-free', 'double-free', 'use-after-move', 'leak', 'sleep-in-atomic', 'free-while-mapped'];

/**
 * Whether a finding's rule names the marker's kind. Informational only: any finding on the line
 * flags the misuse. A move is accepted as a use after free (the runtime reports it so).
 */
const RULE_PATTERNS = {
  'use-after-free': /use.?after.?free|uaf|consumed|dangling/,
  'double-free': /double.?(free|put|release)/,
  'use-after-move': /move|use.?after.?free/,
  leak: /leak/,
  'sleep-in-atomic': /sleep|atomic/,
  'free-while-mapped': /mapped|kmap|free.?while/,
};

const USAGE = `usage: node scripts/score-checker.mjs [--json] [--corpus DIR] [--cli FILE] [--min-recall 0.9]
       node scripts/score-checker.mjs --markers [--corpus DIR]
Runs \`memdesc check --json\` on the corpus and scores its findings against the // expect: markers.
Exit 0: recall >= min and no spurious finding; 1: below target; 2: the checker could not be run.
`;

function fail(message) {
  process.stderr.write(`score-checker: ${message}\n`);
  process.exit(2);
}

function parseArgs(argv) {
  const opts = { json: false, markers: false, corpus: join(root, 'test/checker/corpus'), cli: join(root, 'dist/cli/main.js'), minRecall: 0.9 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) fail(`${a} needs a value`);
      return v;
    };
    if (a === '--json') opts.json = true;
    else if (a === '--markers') opts.markers = true;
    else if (a === '--corpus') opts.corpus = resolve(value());
    else if (a === '--cli') opts.cli = resolve(value());
    else if (a === '--min-recall') {
      opts.minRecall = Number(value());
      if (!(opts.minRecall >= 0 && opts.minRecall <= 1)) fail('--min-recall must be a number in 0..1');
    } else if (a === '--help' || a === '-h') {
      process.stdout.write(USAGE);
      process.exit(0);
    } else fail(`unknown argument ${a} (try --help)`);
  }
  return opts;
}

function walk(dir, acc = []) {
  for (const name of readdirSync(dir).sort()) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, acc);
    else if (/\.(ts|mts|cts|tsx)$/.test(name) && !/\.d\.[mc]?ts$/.test(name)) acc.push(p);
  }
  return acc;
}

const MARKER = /\/\/\s*(expect|expect-also):\s*(\S+)\s*$/;
const LOOSE = /\/\/.*\bexpect(-also)?\s*:/;

/**
 * The markers of every source file under `dir`: `{ files: [{ file, misuses: [{ line, kind, also }] }], errors }`.
 * Lines are 1-based. An also-line belongs to the misuse of the same kind in its file.
 */
function parseCorpus(dir) {
  const errors = [];
  const files = [];
  for (const file of walk(dir)) {
    const lines = readFileSync(file, 'utf8').split('\n');
    const primaries = [];
    const also = [];
    lines.forEach((text, i) => {
      const m = MARKER.exec(text);
      if (m === null) {
        if (LOOSE.test(text)) errors.push(`${relative(root, file)}:${i + 1}: malformed marker (write "// expect: <kind>" at the end of the line)`);
        return;
      }
      const [, which, kind] = m;
      if (!KINDS.includes(kind)) {
        errors.push(`${relative(root, file)}:${i + 1}: unknown kind "${kind}" (one of ${KINDS.join(', ')})`);
        return;
      }
      (which === 'expect' ? primaries : also).push({ line: i + 1, kind });
    });
    for (const a of also) {
      if (!primaries.some((p) => p.kind === a.kind)) errors.push(`${relative(root, file)}:${a.line}: expect-also: ${a.kind} with no expect: ${a.kind} in the file`);
    }
    files.push({
      file,
      misuses: primaries.map((p) => ({ line: p.line, kind: p.kind, also: also.filter((a) => a.kind === p.kind).map((a) => a.line) })),
    });
  }
  return { files, errors };
}

/** Runs the checker; returns its findings or exits 2 with the reason it could not. */
function runChecker(opts) {
  if (!existsSync(opts.cli)) fail(`${relative(root, opts.cli) || opts.cli} does not exist: run \`npm run build\` first`);
  const args = [opts.cli, 'check', '--json'];
  const tsconfig = join(opts.corpus, 'tsconfig.json');
  if (existsSync(tsconfig)) args.push('--tsconfig', tsconfig);
  args.push(opts.corpus);
  const r = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, timeout: 15 * 60 * 1000 });
  const command = `node ${args.map((a) => (isAbsolute(a) ? relative(root, a) || '.' : a)).join(' ')}`;
  if (r.error) fail(`could not run ${command}: ${r.error.message}`);
  const stderr = (r.stderr ?? '').trim();
  if (/unknown command '?check'?/i.test(stderr)) {
    fail(`the \`check\` command does not exist yet in ${relative(root, opts.cli)} (it said: ${stderr.split('\n')[0]}); build the checker (issue 11) first`);
  }
  if (r.status !== 0 && r.status !== 1) {
    fail(`${command} exited ${r.status ?? r.signal} (the contract: 0 clean, 1 findings, 2 bad input)${stderr ? `:\n${stderr}` : ''}`);
  }
  let out;
  try {
    out = JSON.parse(r.stdout);
  } catch {
    fail(`${command} did not print JSON on stdout (exit ${r.status}); stdout starts ${JSON.stringify((r.stdout ?? '').slice(0, 200))}${stderr ? `; stderr: ${stderr.split('\n')[0]}` : ''}`);
  }
  if (out === null || typeof out !== 'object' || !Array.isArray(out.findings)) fail(`${command} printed JSON without a "findings" array`);
  const findings = out.findings.map((f, i) => {
    if (f === null || typeof f !== 'object' || typeof f.file !== 'string' || !Number.isInteger(f.line) || f.line < 1) {
      fail(`finding #${i} does not follow the contract {"file","line","column","rule","message"}: ${JSON.stringify(f)}`);
    }
    return { file: resolve(root, f.file), line: f.line, column: f.column, rule: String(f.rule ?? ''), message: String(f.message ?? '') };
  });
  const contract = [];
  if (r.status === 0 && findings.length > 0) contract.push(`exit status 0 with ${findings.length} finding(s) (the contract says 1)`);
  if (r.status === 1 && findings.length === 0) contract.push('exit status 1 with no findings (the contract says 0)');
  return { command, status: r.status, findings, contract };
}

/** Matches findings to markers. Pure: the test suite calls the script, this is its core. */
function score(corpus, findings, minRecall) {
  const byFile = new Map(corpus.files.map((f) => [f.file, f]));
  const misuses = corpus.files.flatMap((f) => f.misuses.map((m) => ({ ...m, file: f.file, findings: [] })));
  const spurious = [];
  for (const finding of findings) {
    const f = byFile.get(finding.file);
    const hits = misuses.filter((m) => m.file === finding.file && (m.line === finding.line || m.also.includes(finding.line)));
    if (hits.length > 0) for (const m of hits) m.findings.push(finding);
    else spurious.push({ ...finding, where: f === undefined ? 'outside the corpus' : f.misuses.length > 0 ? 'misuse program' : 'correct code' });
  }
  const flagged = misuses.filter((m) => m.findings.length > 0);
  const ruleOk = (m) => m.findings.some((x) => RULE_PATTERNS[m.kind].test(x.rule.toLowerCase().replace(/^.*\//, '')));
  const byKind = Object.fromEntries(
    KINDS.map((k) => {
      const all = misuses.filter((m) => m.kind === k);
      return [k, { misuses: all.length, flagged: all.filter((m) => m.findings.length > 0).length, ruleMatches: all.filter(ruleOk).length }];
    }),
  );
  const recall = misuses.length === 0 ? 0 : flagged.length / misuses.length;
  const falsePositives = spurious.filter((s) => s.where !== 'misuse program');
  const rel = (p) => relative(root, p);
  return {
    programs: {
      misuse: corpus.files.filter((f) => f.misuses.length > 0).length,
      withoutMarkers: corpus.files.filter((f) => f.misuses.length === 0).length,
    },
    misuses: misuses.length,
    flagged: flagged.length,
    recall,
    minRecall,
    ruleMatches: flagged.filter(ruleOk).length,
    falsePositives: falsePositives.length,
    spuriousInMisusePrograms: spurious.length - falsePositives.length,
    byKind,
    missed: misuses.filter((m) => m.findings.length === 0).map((m) => ({ file: rel(m.file), line: m.line, kind: m.kind, also: m.also })),
    ruleMismatches: flagged.filter((m) => !ruleOk(m)).map((m) => ({ file: rel(m.file), line: m.line, kind: m.kind, rules: [...new Set(m.findings.map((x) => x.rule))] })),
    spurious: spurious.map((s) => ({ file: rel(s.file), line: s.line, column: s.column, rule: s.rule, message: s.message, where: s.where })),
    pass: recall >= minRecall && spurious.length === 0,
  };
}

function pct(x) {
  return `${(100 * x).toFixed(1)}%`;
}

function printHuman(result, command, contract) {
  const w = (s = '') => process.stdout.write(`${s}\n`);
  w(`memdesc checker score — ${command}`);
  w(`corpus: ${result.misuses} misuses in ${result.programs.misuse} programs; ${result.programs.withoutMarkers} files without markers (correct programs and helper modules)`);
  w();
  w(`recall on misuses:            ${result.flagged}/${result.misuses} = ${pct(result.recall)}  (target ≥ ${pct(result.minRecall)})`);
  w(`  of which the rule names the kind: ${result.ruleMatches}/${result.flagged}`);
  w(`false positives, correct code: ${result.falsePositives}  (target 0)`);
  w(`spurious, in misuse programs:  ${result.spuriousInMisusePrograms}  (target 0)`);
  w();
  w('by kind:                flagged  rule matches');
  for (const [k, v] of Object.entries(result.byKind)) w(`  ${k.padEnd(20)} ${`${v.flagged}/${v.misuses}`.padStart(7)}  ${String(v.ruleMatches).padStart(12)}`);
  if (result.missed.length > 0) {
    w();
    w('missed:');
    for (const m of result.missed) w(`  ${m.file}:${m.line}  ${m.kind}${m.also.length ? `  (also accepted: line ${m.also.join(', ')})` : ''}`);
  }
  if (result.spurious.length > 0) {
    w();
    w('spurious findings:');
    for (const s of result.spurious) w(`  ${s.file}:${s.line}:${s.column ?? '?'}  [${s.where}]  ${s.rule}: ${s.message.split('\n')[0]}`);
  }
  if (result.ruleMismatches.length > 0) {
    w();
    w('flagged under a rule that does not name the kind:');
    for (const m of result.ruleMismatches) w(`  ${m.file}:${m.line}  ${m.kind} ← ${m.rules.join(', ')}`);
  }
  for (const c of contract) w(`\ncontract: ${c}`);
  w();
  w(result.pass ? 'PASS' : 'FAIL');
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (!existsSync(opts.corpus)) fail(`no corpus at ${opts.corpus}`);
  const corpus = parseCorpus(opts.corpus);
  if (corpus.errors.length > 0) fail(`bad markers:\n  ${corpus.errors.join('\n  ')}`);
  if (opts.markers) {
    const files = corpus.files.map((f) => ({ file: relative(root, f.file), misuses: f.misuses }));
    process.stdout.write(`${JSON.stringify({ files }, null, 2)}\n`);
    return;
  }
  const { command, status, findings, contract } = runChecker(opts);
  const result = score(corpus, findings, opts.minRecall);
  if (contract.length > 0) result.pass = false;
  if (opts.json) process.stdout.write(`${JSON.stringify({ command, checkerExit: status, contract, ...result }, null, 2)}\n`);
  else printHuman(result, command, contract);
  process.exitCode = result.pass ? 0 : 1;
}

main();
