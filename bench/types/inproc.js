/**
 * memdesc type-checking cost, measured on a busy machine: checks the given TypeScript projects in
 * ONE process (TypeScript 6's API), round after round, interleaved, and prints each project's CPU
 * time (user + system, not wall time: waiting for a CPU that other processes hold is not counted)
 * for the semantic check of all its files, one column per round, and the fastest of the last
 * rounds. The first rounds include the JIT warming up; the last ones show the steady cost of the
 * types, which is what differs between two variants of a declaration.
 *
 *     node bench/types/run.js --quick --n=1000 --compiler=ts6 --keep   # prints the kept directory
 *     node bench/types/inproc.js DIR/mixed-1000-tracked DIR/mixed-1000-plain [--rounds=12]
 *
 * A project is a directory with a tsconfig.json (bench/types/run.js's generated programs are). To
 * compare variants of memdesc's declarations, give each variant its own directory with a
 * node_modules/memdesc (a copy of package.json and dist/ with the declarations edited), a
 * package.json with "type": "module", and a copy of the program: all are then measured in the same
 * rounds, under the same load. A project with errors is reported (ERR) and still timed.
 *
 * This is a tool for finding where the cost goes; `npm run bench` (bench/types/run.js, fresh
 * compiler processes, as a user's build runs) is the measurement of record.
 */
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const ts = createRequire(import.meta.url)(join(ROOT, 'node_modules/typescript'));

const dirs = [];
let rounds = 12;
for (const a of process.argv.slice(2)) {
  if (/^--rounds=[1-9]\d*$/.test(a)) rounds = Number(a.slice('--rounds='.length));
  else if (!a.startsWith('--')) dirs.push(resolve(a));
  else {
    console.error(`bench/types/inproc: bad argument ${a}\nusage: node bench/types/inproc.js DIR... [--rounds=K]`);
    process.exit(2);
  }
}
if (dirs.length === 0) {
  console.error('usage: node bench/types/inproc.js DIR... [--rounds=K]');
  process.exit(2);
}

/** CPU milliseconds of one semantic check of every file of the project in `dir` (a fresh program). */
function checkOnce(dir) {
  const host = { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => console.error(ts.flattenDiagnosticMessageText(d.messageText, '\n')) };
  const cfg = ts.getParsedCommandLineOfConfigFile(join(dir, 'tsconfig.json'), {}, host);
  if (!cfg) process.exit(1);
  const program = ts.createProgram({ rootNames: cfg.fileNames, options: cfg.options });
  const before = process.cpuUsage();
  let errors = 0;
  for (const f of program.getSourceFiles()) errors += program.getSemanticDiagnostics(f).length;
  const used = process.cpuUsage(before);
  return { ms: (used.user + used.system) / 1000, errors };
}

const times = dirs.map(() => []);
const errors = dirs.map(() => 0);
for (let r = 0; r < rounds; r++) {
  dirs.forEach((d, i) => {
    const { ms, errors: e } = checkOnce(d);
    times[i].push(ms);
    errors[i] = e;
  });
}
const tail = Math.max(1, Math.floor((rounds * 2) / 3));
const width = Math.max(...dirs.map((d) => d.length));
for (const [i, d] of dirs.entries()) {
  const best = Math.min(...times[i].slice(-tail));
  const cols = times[i].map((t) => t.toFixed(0).padStart(5)).join('');
  console.log(`${d.padEnd(width)} ${cols}   fastest of last ${tail}: ${best.toFixed(0)} ms${errors[i] ? `   ERR: ${errors[i]} diagnostics` : ''}`);
}
