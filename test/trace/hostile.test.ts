/**
 * Hostile input to the trace reader (issue 13, items 3, 6, 7 and 9): lines of any length, pfn
 * fields with junk after the digits, an `--html` file that fails after it is opened, and
 * non-strings given to `TraceParser.parseLine`. Each is a clear answer — an unreadable line, an
 * `MmError` `INVALID_ARGUMENT`, exit status 2 with one line on stderr — never a crash, a hang, a
 * stack trace or a wrong pfn.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { MmError } from '../../src/index.js';
import { TraceParser, parseTrace, replayTrace, type TraceRecord } from '../../src/trace/index.js';
import { TraceBuilder, cleanTraffic } from './synth.js';

const bin = join(import.meta.dirname, '../../dist/cli/main.js');
const tmp = () => mkdtempSync(join(tmpdir(), 'memdesc-hostile-'));
const ALLOC = '  cat-1 [000] ..... 1.0: mm_page_alloc: page=(____ptrval____) pfn=0x100 order=0 migratetype=0 gfp_flags=GFP_KERNEL';
const MiB = 1 << 20;

function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof MmError) return e.code;
    return `not an MmError: ${String(e)}`;
  }
  return 'no error';
}

async function rejection(p: Promise<unknown>): Promise<MmError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof MmError) return e;
    throw e;
  }
  throw new Error('did not reject');
}

/** `mib` MiB of the byte `fill` with no newline (one reused buffer, pulled by the reader), then `after`. */
async function* longLine(mib: number, fill: number, after: string): AsyncGenerator<Uint8Array> {
  const chunk = new Uint8Array(MiB).fill(fill);
  for (let i = 0; i < mib; i++) yield chunk;
  yield new TextEncoder().encode(after);
}

describe('a line longer than the bound (issue 13.3)', () => {
  it('600 MiB with no newline — past V8’s ~512 MiB string limit — is one unreadable line: the replay settles, reads on, and memory stays bounded', async () => {
    const before = process.memoryUsage();
    let peak = before.rss;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 2);
    const r = await replayTrace(longLine(600, 0x78, `\n${ALLOC}\n`));
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    expect(r.lines).toBe(2);
    expect(r.unparsed.count).toBe(1);
    expect(r.unparsed.examples[0]).toEqual({ line: 1, text: 'x'.repeat(200) + '…', reason: `line longer than ${MiB} bytes (${600 * MiB} bytes; maxLineLength)` });
    expect(r.replayed.allocs).toBe(1); // the line after it is read
    expect(r.live[0]?.line).toBe(2);
    // Bounded by the line bound and a chunk, not by the line: far below the 600 MiB it spans.
    expect(peak - before.rss).toBeLessThan(128 * MiB);
  });

  it('a gzip of zeros (as bytes or a file) is one unreadable line, not a crash', async () => {
    const zeros = gzipSync(new Uint8Array(8 * MiB));
    const r = await replayTrace(zeros);
    expect(r.lines).toBe(1);
    expect(r.unparsed.count).toBe(1);
    expect(r.unparsed.examples[0]?.reason).toMatch(/^line longer than 1048576 bytes \(8388608 bytes; maxLineLength\)$/);
    const file = join(tmp(), 'zeros.gz');
    writeFileSync(file, zeros);
    const recs: TraceRecord[] = [];
    for await (const rec of parseTrace(file)) recs.push(rec);
    expect(recs).toHaveLength(1);
    expect(recs[0]?.type).toBe('unparsed');
  });

  it('maxLineLength sets the bound; lines around an over-long one keep their numbers; a long line split across chunks is measured whole', async () => {
    const b = new TraceBuilder();
    cleanTraffic(b, 20, 1);
    const good = b.text().split('\n').filter((l) => l.length > 0);
    const text = [good[0], 'y'.repeat(5000), ...good.slice(1), 'z'.repeat(3000)].join('\n') + '\n';
    // Chunks of 700 bytes: the long lines span several chunks.
    const bytes = new TextEncoder().encode(text);
    const chunks = async function* () {
      for (let i = 0; i < bytes.length; i += 700) yield bytes.subarray(i, i + 700);
    };
    const small: TraceRecord[] = [];
    for await (const r of parseTrace(chunks(), { maxLineLength: 4096 })) small.push(r);
    const bad = small.filter((r) => r.type === 'unparsed');
    expect(bad).toHaveLength(2);
    expect(bad[0]).toMatchObject({ line: 2, reason: 'line longer than 4096 bytes (5000 bytes; maxLineLength)' });
    expect(bad[1]).toMatchObject({ type: 'unparsed', line: good.length + 2, reason: 'not an ftrace event line' }); // 3000 < 4096: read, and unreadable for what it is
    expect(small.filter((r) => r.type === 'page')).toHaveLength(good.length);
    const pages = small.filter((r) => r.type === 'page').map((r) => r.line);
    expect(pages).toEqual([1, ...Array.from({ length: good.length - 1 }, (_, i) => i + 3)]);
  });

  it('UTF-8 split across chunks decodes as one character; the last line needs no newline', async () => {
    const bytes = new TextEncoder().encode('=== trace-begin é\n' + ALLOC);
    const chunks = async function* () {
      for (let i = 0; i < bytes.length; i++) yield bytes.subarray(i, i + 1);
    };
    const recs: TraceRecord[] = [];
    for await (const r of parseTrace(chunks())) recs.push(r);
    expect(recs.map((r) => r.type)).toEqual(['marker', 'page']);
  });

  it('a bad maxLineLength is INVALID_ARGUMENT, at once', async () => {
    for (const v of [0, 1023, 2 ** 30 + 1, 1.5, NaN, '1M', null]) {
      expect(codeOf(() => parseTrace(new Uint8Array(0), { maxLineLength: v as number }))).toBe('INVALID_ARGUMENT');
      expect((await rejection(replayTrace(new Uint8Array(0), { maxLineLength: v as number }))).code).toBe('INVALID_ARGUMENT');
    }
  });

  it('memdesc replay on a 600 MiB gzip of zeros with no newline: exit 2, one line on stderr, no stack', () => {
    // Concatenated gzip members: 600 × 1 MiB of zeros in a file of well under 1 MB.
    const member = gzipSync(new Uint8Array(MiB));
    const file = join(tmp(), 'zeros.gz');
    writeFileSync(file, Buffer.concat(Array.from({ length: 600 }, () => member)));
    const r = spawnSync(process.execPath, [bin, 'replay', file], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/no kmem:mm_page_\* events in 1 lines \(line 1: line longer than 1048576 bytes/);
    expect(r.stderr).not.toMatch(/RangeError|\n\s+at /);
  });
});

describe('pfn fields must be all digits (issue 13.6)', () => {
  const line = (pfn: string, what = 'mm_page_free') => `  sort-143 [001] ..... 4.2: ${what}: page=(____ptrval____) pfn=${pfn} order=0${what === 'mm_page_alloc' ? ' migratetype=0 gfp_flags=GFP_KERNEL' : ''}`;

  it('0x1g, 1e5, 0x10junk, 0x1_000 are unreadable, not 1 or 16', () => {
    for (const pfn of ['0x1g', '1e5', '0x10junk', '0x1_000', '12abc', '0x', '0x1.5']) {
      for (const what of ['mm_page_free', 'mm_page_alloc']) {
        const p = new TraceParser();
        const r = p.parseLine(line(pfn, what), 1);
        expect(r, `${what} pfn=${pfn}`).toMatchObject({ type: 'unparsed', reason: 'bad pfn= field' });
      }
    }
  });

  it('still reads the forms the kernel prints: hex, decimal, the all-ones "no page", followed by a space, a tab, a comma or the end', () => {
    const p = new TraceParser();
    expect(p.parseLine(line('0x1f0'), 1)).toMatchObject({ type: 'page', pfn: 0x1f0 });
    expect(p.parseLine(line('496'), 2)).toMatchObject({ type: 'page', pfn: 496 });
    expect(p.parseLine(line('0xffffffffffffffff', 'mm_page_alloc'), 3)).toMatchObject({ type: 'page', pfn: -1 });
    expect(p.parseLine('  sort-143 [001] ..... 4.2: mm_page_free: page=(____ptrval____) order=0 pfn=0x2a', 4)).toMatchObject({ type: 'page', pfn: 0x2a });
    expect(p.parseLine('  sort-143 [001] ..... 4.2: mm_page_free: page=(____ptrval____) pfn=0x2a\t order=0', 5)).toMatchObject({ type: 'page', pfn: 0x2a });
  });

  it('a junk pfn makes no certain finding at a wrong pfn', async () => {
    const text = [line('0x10', 'mm_page_alloc'), line('0x10junk'), line('0x10')].map((l) => l + '\n').join('');
    const r = await replayTrace(Readable.from([text]), { model: 'strict' });
    expect(r.unparsed.count).toBe(1);
    expect(r.findings).toEqual([]);
  });
});

describe('TraceParser.parseLine on non-strings (issue 13.9)', () => {
  it('is INVALID_ARGUMENT, and counts nothing', () => {
    const p = new TraceParser();
    for (const v of [undefined, null, 42, {}, [], Symbol('x'), 1n, new Uint8Array(3)]) {
      expect(codeOf(() => p.parseLine(v as unknown as string))).toBe('INVALID_ARGUMENT');
    }
    for (const n of [0, -1, 1.5, NaN, '3']) expect(codeOf(() => p.parseLine(ALLOC, n as number))).toBe('INVALID_ARGUMENT');
    expect(p.stats).toEqual({ lines: 0, blank: 0, comments: 0, unparsed: 0 });
    expect(p.parseLine(ALLOC)).toMatchObject({ type: 'page', line: 1 });
  });
});

describe('memdesc replay --html (issue 13.7)', () => {
  const trace = () => {
    const b = new TraceBuilder();
    cleanTraffic(b, 50, 2);
    const f = join(tmp(), 'trace.txt');
    writeFileSync(f, b.text());
    return f;
  };

  it('a write that fails after the file is opened (/dev/full: ENOSPC) is exit 2 with one line, not exit 1 with a stack', () => {
    if (!existsSync('/dev/full')) return void console.warn('skipped: no /dev/full on this system');
    const r = spawnSync(process.execPath, [bin, 'replay', trace(), '--html', '/dev/full'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^memdesc: --html \/dev\/full: cannot write the report \(ENOSPC/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(existsSync('/dev/full')).toBe(true);
    // The same for the other report the command writes.
    const d = spawnSync(process.execPath, [bin, 'demo', 'binder', '--transactions', '200', '--no-progress', '--html', '/dev/full'], { encoding: 'utf8' });
    expect(d.status).toBe(2);
    expect(d.stderr).toMatch(/^memdesc: --html \/dev\/full: cannot write the report \(ENOSPC/);
  });

  it('bad input leaves an existing report file as it was (it neither truncates nor deletes what it did not create)', () => {
    const dir = tmp();
    const old = join(dir, 'old.html');
    writeFileSync(old, '<p>last week</p>');
    const empty = join(dir, 'empty.txt');
    writeFileSync(empty, 'no events here\n');
    const r = spawnSync(process.execPath, [bin, 'replay', empty, '--html', old], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(readFileSync(old, 'utf8')).toBe('<p>last week</p>');
    // A report it created for a run that failed is removed.
    const fresh = join(dir, 'fresh.html');
    expect(spawnSync(process.execPath, [bin, 'replay', empty, '--html', fresh], { encoding: 'utf8' }).status).toBe(2);
    expect(existsSync(fresh)).toBe(false);
  });
});
