#!/usr/bin/env node
/**
 * The `memdesc` command.
 *
 *     memdesc demo binder [--design page|folio|memdesc|all] [--memory 32M] [--processes 8] [--transactions 20000] [--seed 1] [--repeat 1] [--json] [--html FILE]
 *     memdesc demo alloc
 *     memdesc replay FILE [--json] [--html OUT] [--strict] [--skew US] [--max-findings N] [--max-line-length BYTES]
 *     memdesc --version
 *
 * `demo binder` runs the shipped Binder example (examples/binder/): several processes exchange
 * transactions on a machine small enough that reclaim takes Binder's unused pages back; `--design`
 * picks what a slot holds (bare pages, folios, Binder's own memdesc), `all` runs the three.
 * `replay` replays a kernel's kmem page-allocator trace (src/trace/) and reports what breaks the
 * ownership rules.
 *
 * @module
 */
import { closeSync, existsSync, openSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import { runAllocDemo } from './alloc-demo.js';
import { BINDER_DESIGNS, binderDesignsHtml, binderHtml, binderJson, loadBinder, printBinderSummary, printDesignsSummary, type BinderDesignName } from './binder-demo.js';
import { MmError } from '../debug/mm-error.js';
import { replayTrace } from '../trace/replay.js';
import { formatReplaySummary, replayHtml, replayJson } from '../trace/report.js';
import { runCheck } from '../checker/cli.js';

/** `32M`, `1G`, `65536K`, `33554432`: bytes, a positive multiple of 4096. */
export function parseSize(text: string): number {
  const m = /^(\d+)([KMG]?)i?B?$/i.exec(text.trim());
  if (!m) throw new InvalidArgumentError(`"${text}" is not a size (examples: 32M, 1G, 65536K)`);
  const mult = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[m[2]!.toUpperCase() as '' | 'K' | 'M' | 'G'];
  const bytes = Number(m[1]) * mult;
  if (!Number.isSafeInteger(bytes) || bytes % 4096 !== 0) throw new InvalidArgumentError(`${text} is not a whole number of 4 KiB pages`);
  return bytes;
}

function intIn(name: string, min: number, max: number) {
  return (text: string): number => {
    if (!/^-?\d+$/.test(text.trim())) throw new InvalidArgumentError(`${name} must be an integer, got "${text}"`);
    const n = Number(text);
    if (n < min || n > max) throw new InvalidArgumentError(`${name} must be in ${min}..${max}, got ${n}`);
    return n;
  };
}

/** A progress bar on stderr, only when it is a terminal. */
function progressBar(enabled: boolean, unit = 'transactions'): ((done: number, total: number) => void) | undefined {
  if (!enabled || !process.stderr.isTTY) return undefined;
  return (done, total) => {
    const width = 30;
    const filled = Math.round((done / total) * width);
    process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.round((100 * done) / total)).padStart(3)}% ${done}/${total} ${unit}`);
    if (done === total) process.stderr.write('\n');
  };
}

/** The package's version, from its package.json (dist/cli/main.js → ../../package.json). */
function packageVersion(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

/**
 * A report file for `--html`: checked writable before the work (without truncating a file that
 * exists), written after it; `drop()` removes it only if this run created it. A write that fails
 * (ENOSPC on /dev/full, EIO) is bad input: one line, exit 2.
 */
function reportFile(path: string): { write(html: string): void; drop(): void } {
  const existed = existsSync(path);
  try {
    closeSync(openSync(path, 'a'));
  } catch (e) {
    throw new InvalidArgumentError(`--html ${path}: cannot write it (${(e as Error).message})`);
  }
  return {
    write(html) {
      try {
        writeFileSync(path, html);
      } catch (e) {
        throw new InvalidArgumentError(`--html ${path}: cannot write the report (${(e as Error).message})`);
      }
    },
    drop() {
      if (!existed) unlinkSync(path);
    },
  };
}

export function makeProgram(): Command {
  const program = new Command('memdesc')
    .description("the kernel's memory-descriptor rules over a simulated page allocator")
    .version(packageVersion(), '--version', 'print the package version')
    .showHelpAfterError()
    .exitOverride();
  const demo = program.command('demo').description('run a built-in workload');
  demo
    .command('binder')
    .description('Binder page ranges with an LRU and a shrinker, under memory pressure')
    .addOption(
      new Option('--design <design>', 'what a slot holds: page (Owned<Page<0>>), folio (ARef<Folio<0>>), memdesc (Owned<BinderPage>), or all three')
        .choices([...BINDER_DESIGNS, 'all'])
        .default('page'),
    )
    .addOption(new Option('--memory <size>', 'machine size, 8M..4G').argParser(parseSize).default(32 * 1024 * 1024, '32M'))
    .option('--processes <n>', 'simulated processes', intIn('--processes', 1, 64), 8)
    .option('--transactions <n>', 'transactions to send', intIn('--transactions', 1, 10_000_000), 20000)
    .option('--seed <n>', 'workload seed', intIn('--seed', 0, 2 ** 31 - 1), 1)
    .option('--repeat <n>', 'with --design all: measured rounds per design (times are the median)', intIn('--repeat', 1, 100), 1)
    .option('--json', 'print one JSON object instead of the summary')
    .option('--html <file>', 'write a self-contained HTML report (SVG memory map and plots)')
    .option('--no-progress', 'no progress bar')
    .action(
      async (opts: {
        design: BinderDesignName | 'all';
        memory: number;
        processes: number;
        transactions: number;
        seed: number;
        repeat: number;
        json?: boolean;
        html?: string;
        progress: boolean;
      }) => {
        if (opts.memory < 8 * 1024 * 1024 || opts.memory > 4 * 1024 ** 3) {
          throw new InvalidArgumentError(`--memory must be between 8M and 4G, got ${opts.memory} bytes`);
        }
        if (opts.processes * 1024 * 1024 > opts.memory / 2) {
          throw new InvalidArgumentError(`--processes ${opts.processes}: each maps a 1 MiB Binder buffer; use at most ${Math.floor(opts.memory / 2 / 1024 / 1024)} on this machine`);
        }
        if (opts.repeat !== 1 && opts.design !== 'all') throw new InvalidArgumentError('--repeat goes with --design all');
        const { runBinderDemo, runBinderDesigns, KIND_NAMES } = await loadBinder();
        const workload = { memoryBytes: opts.memory, processes: opts.processes, transactions: opts.transactions, seed: opts.seed };
        const show = opts.progress && !opts.json;
        if (opts.design === 'all') {
          const bar = progressBar(show, 'runs');
          const rs = runBinderDesigns({ ...workload, repeat: opts.repeat, ...(bar ? { onProgress: bar } : {}) });
          if (opts.html !== undefined) reportFile(opts.html).write(binderDesignsHtml(rs, KIND_NAMES));
          if (opts.json) console.log(JSON.stringify({ designs: Object.fromEntries(BINDER_DESIGNS.map((n) => [n, binderJson(rs[n])])) }));
          else {
            printDesignsSummary(rs);
            if (opts.html !== undefined) console.log(`HTML report written to ${opts.html}`);
          }
          if (BINDER_DESIGNS.some((n) => !rs[n].backToBoot)) process.exitCode = 1;
          return;
        }
        const bar = progressBar(show);
        const r = runBinderDemo({ ...workload, design: opts.design, ...(bar ? { onProgress: bar } : {}) });
        if (opts.html !== undefined) reportFile(opts.html).write(binderHtml(r, KIND_NAMES));
        if (opts.json) console.log(JSON.stringify(binderJson(r)));
        else {
          printBinderSummary(r);
          if (opts.html !== undefined) console.log(`HTML report written to ${opts.html}`);
        }
        if (!r.backToBoot) process.exitCode = 1;
      },
    );
  demo
    .command('alloc')
    .description('the page allocator alone: a 256 MiB machine under a mixed workload')
    .action(() => {
      if (!runAllocDemo()) process.exitCode = 1;
    });
  program
    .command('replay')
    .description(
      "replay a kernel's kmem page-allocator trace (ftrace text; plain, .gz, or - for stdin) through the ownership rules: " +
        'double frees, wrong-order and tail-page frees, overlapping allocations, frees of pages allocated before the trace, ' +
        'and the allocations live at the end. Each finding is certain, or uncertain when a gap in the trace (an allocation ' +
        'path with no mm_page_alloc, a pcp drain, lost events, two CPUs merged out of order) could explain it. ' +
        'Exit status: 0, 1 when a certain bug is found, 2 on bad input.',
    )
    .argument('<file>', 'trace file (plain or gzip), or - for standard input')
    .option('--json', 'print one JSON object instead of the summary')
    .option('--html <file>', 'write a self-contained HTML report (memory map at the end, timeline of live pages and findings)')
    .option('--strict', 'take the trace as complete (every allocation recorded, blocks freed whole): for synthetic traces')
    .option('--skew <us>', "how far two CPUs' trace clocks may disagree, in microseconds", floatIn('--skew', 0, 10_000_000), 50)
    .option('--max-findings <n>', 'findings kept per kind (all are counted)', intIn('--max-findings', 0, 10_000_000), 10_000)
    .option('--max-line-length <bytes>', 'longer lines are counted as unreadable and skipped', intIn('--max-line-length', 1024, 2 ** 30), 1 << 20)
    .action(async (file: string, opts: { json?: boolean; html?: string; strict?: boolean; skew: number; maxFindings: number; maxLineLength: number }) => {
      // Refuse an unwritable report path before the work, not after it.
      const report = opts.html === undefined ? null : reportFile(opts.html);
      const dropReport = () => report?.drop();
      let r;
      try {
        r = await replayTrace(file, {
          model: opts.strict ? 'strict' : 'kernel',
          cpuClockSkew: opts.skew / 1e6,
          maxFindings: opts.maxFindings,
          memoryMap: report !== null,
          maxLineLength: opts.maxLineLength,
        });
      } catch (e) {
        dropReport();
        if (e instanceof MmError && e.code === 'INVALID_ARGUMENT') throw new InvalidArgumentError(e.message.replace(/^replayTrace\(\): /, ''));
        throw e;
      }
      if (!Object.keys(r.events).some((name) => name.startsWith('mm_page'))) {
        dropReport();
        const why = r.unparsed.examples[0];
        throw new InvalidArgumentError(
          `${file === '-' ? 'standard input' : file}: no kmem:mm_page_* events in ${r.lines} lines` + (why !== undefined ? ` (line ${why.line}: ${why.reason})` : ''),
        );
      }
      report?.write(replayHtml(r));
      if (opts.json) console.log(JSON.stringify(replayJson(r)));
      else {
        process.stdout.write(formatReplaySummary(r));
        if (opts.html !== undefined) console.log(`HTML report written to ${opts.html}`);
      }
      if (r.certainBugs > 0) process.exitCode = 1;
    });
  program
    .command('check')
    .description(
      'the ownership checker (the rules the types cannot follow: aliases, helpers, fields, collections, closures, await, moves, leaks, ' +
        'sleeping calls under a spinlock, frees of mapped pages) over the files under each PATH, with the nearest tsconfig.json. ' +
        'Exit status: 0 clean, 1 findings, 2 bad input.',
    )
    .argument('[paths...]', 'files or directories to check (default: .)')
    .option('--json', 'print {"findings":[{"file","line","column","rule","message"}]}')
    .option('--tsconfig <file>', 'the tsconfig.json of the project (default: the nearest one)')
    .action((paths: string[], opts: { json?: boolean; tsconfig?: string }) => {
      const r = runCheck(paths, opts);
      process.stdout.write(r.stdout);
      if (r.code === 2) throw new InvalidArgumentError(r.stderr.replace(/^memdesc check: /, 'check: ').trimEnd());
      if (r.code === 1) process.exitCode = 1;
    });
  return program;
}

function floatIn(name: string, min: number, max: number) {
  return (text: string): number => {
    if (!/^\d+(\.\d+)?$/.test(text.trim())) throw new InvalidArgumentError(`${name} must be a number, got "${text}"`);
    const n = Number(text);
    if (n < min || n > max) throw new InvalidArgumentError(`${name} must be in ${min}..${max}, got ${n}`);
    return n;
  };
}

export async function main(argv: readonly string[]): Promise<number> {
  const program = makeProgram();
  try {
    await program.parseAsync(argv as string[], { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    // Thrown by an action (commander has printed nothing yet).
    if (e instanceof InvalidArgumentError) {
      process.stderr.write(`memdesc: ${e.message}\n`);
      return 2;
    }
    // Thrown by commander after printing its own message (exitOverride).
    const err = e as { code?: string; exitCode?: number };
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return 0;
    if (typeof err.code === 'string' && err.code.startsWith('commander.')) return err.exitCode && err.exitCode !== 0 ? 2 : 0;
    throw e;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`memdesc: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 1;
  },
);
