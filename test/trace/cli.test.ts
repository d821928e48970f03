/**
 * `memdesc replay`, end to end, as a spawned process (it runs the built dist/: `npm test` builds
 * first).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { TraceBuilder, cleanTraffic } from './synth.js';

const bin = join(import.meta.dirname, '../../dist/cli/main.js');
const TRACE = join(import.meta.dirname, '../../../shared/traces/kmem-6.1-512M-2cpu.txt.gz');
const run = (args: string[], input?: string | Buffer) => spawnSync(process.execPath, [bin, 'replay', ...args], { encoding: 'utf8', input, maxBuffer: 64 << 20 });
const tmp = () => mkdtempSync(join(tmpdir(), 'memdesc-replay-'));

/** A trace with one certain double free (order 1, compound) among correct traffic. */
function buggy(): { text: string; lines: number[] } {
  const b = new TraceBuilder();
  cleanTraffic(b, 300, 3);
  const a = b.alloc(0x30000, 1, 'GFP_KERNEL|__GFP_COMP', { task: 'evil-7' });
  const f1 = b.free(0x30000, 1, { task: 'evil-7' });
  cleanTraffic(b, 300, 4);
  const f2 = b.free(0x30000, 1, { task: 'evil-8' });
  return { text: b.text(), lines: [a, f1, f2] };
}

describe('memdesc replay', () => {
  it('--json on the real trace: one object with events, unparsed, findings, liveAtEnd, live; exit 0', () => {
    const r = run([TRACE, '--json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.events).toEqual({ mm_page_alloc: 18865, mm_page_free: 19090, mm_page_free_batched: 17296, mm_page_pcpu_drain: 17048 });
    expect(out.unparsed).toEqual({ count: 1, examples: [{ line: 4, text: "tar: removing leading '/' from member names", reason: 'not a /proc/buddyinfo line' }] });
    expect(out.findings.filter((f: { kind: string }) => f.kind === 'double-free')).toHaveLength(125);
    for (const f of out.findings) {
      expect(['double-free', 'wrong-order', 'tail-free', 'overlap', 'pre-trace-free']).toContain(f.kind);
      expect(f.certain).toBe(false);
      expect(typeof f.pfn).toBe('number');
      expect(typeof f.order).toBe('number');
      expect(f.lines.length).toBeGreaterThan(0);
    }
    expect(out.certainBugs).toBe(0);
    expect(out.liveAtEnd).toBe(65);
    expect(out.live).toHaveLength(65);
    for (const a of out.live) {
      expect(typeof a.pfn).toBe('number');
      expect(typeof a.order).toBe('number');
      expect(typeof a.gfp).toBe('string');
      expect(typeof a.task).toBe('string');
      expect(typeof a.line).toBe('number');
    }
    expect(out.buddyinfo.before).toHaveLength(2);
    expect(out.memoryMap).toBeUndefined();
  });

  it('prints a readable summary: counts, no certain bug, the uncertain ones summarised, leaks, buddyinfo', () => {
    const r = run([TRACE]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('mm_page_alloc 18865, mm_page_free 19090, mm_page_free_batched 17296, mm_page_pcpu_drain 17048');
    expect(r.stdout).toContain('Certain bugs: none');
    expect(r.stdout).toMatch(/double-free\s+125\s+order-0-untraced-alloc 125, returned-to-buddy 122/);
    // The reason counts say that they overlap (125 findings, 297 reasons).
    expect(r.stdout).toMatch(/kind +count +findings per reason \(a finding can have several reasons, so these counts overlap/);
    expect(r.stdout).toContain('Possible leaks: 65 allocations (124 pages)');
    // The age column is an age, the tasks keep their pids.
    expect(r.stdout).toMatch(/pages +count +order +age of oldest +tasks \(comm-pid ×allocations\) +gfp/);
    expect(r.stdout).toMatch(/^ +40 +5 +3 +6\.274 s +init-138 ×2, init-141 ×1, init-144 ×1 \+1 more +__GFP_IO\|/m);
    expect(r.stdout).toMatch(/^ +8 +8 +0 +6\.284 s +init-1 +GFP_HIGHUSER_MOVABLE\|__GFP_COMP/m);
    expect(r.stdout).toContain('(age: the time from the allocation to the end of the trace, its last timestamp)');
    expect(r.stdout).toContain('/proc/buddyinfo before and after the trace');
    expect(r.stdout).toContain('free pages on the buddy lists: 96992 → 96930 (-62)');
    expect(r.stdout).toMatch(/^ {11}free blocks of order +0 +1 +2 +3 +4 +5 +6 +7 +8 +9 +10$/m);
    expect(r.stdout).toContain('line 4: not a /proc/buddyinfo line');
  });

  it('--html writes the memory map at the end and the timeline, self-contained', () => {
    const file = join(tmp(), 'replay.html');
    const r = run([TRACE, '--html', file]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`HTML report written to ${file}`);
    const html = readFileSync(file, 'utf8');
    expect(html).toContain('<svg');
    expect(html.match(/<svg /g)?.length).toBe(3); // the map and two timeline plots
    expect(html).toContain('Memory map at the end of the trace');
    expect(html).toContain('Timeline');
    expect(html).toContain('uncertain finding');
    expect(html).toContain('<th style="text-align:left">tasks (comm-pid ×allocations)</th>');
    expect(html).toContain('<th>age of the oldest</th>');
    expect(html).toContain('init-138 ×2, init-141 ×1, init-144 ×1, init-146 ×1');
    expect(html).toContain('findings per reason (they overlap)');
    expect(html).toContain('A finding can have several reasons, so these counts overlap');
    expect(html).not.toMatch(/<script|src="http|href="http/);
  });

  it('reads standard input with -, plain or gzip, and finds an injected double free: certain, exit 1', () => {
    const { text, lines } = buggy();
    for (const input of [text, gzipSync(text)]) {
      const r = run(['-', '--json'], input);
      expect(r.status, r.stderr).toBe(1);
      const out = JSON.parse(r.stdout);
      expect(out.source).toBe('standard input');
      expect(out.certainBugs).toBe(1);
      expect(out.findings).toEqual([expect.objectContaining({ kind: 'double-free', certain: true, pfn: 0x30000, order: 1, lines, task: 'evil-8' })]);
    }
    const summary = run(['-'], text);
    expect(summary.status).toBe(1);
    expect(summary.stdout).toContain('Certain bugs: 1');
    expect(summary.stdout).toContain(`double-free    line ${lines[2]}: double free of pfn 0x30000 (order 1) by evil-8`);
  });

  it('reads CRLF files; --strict and --skew change the model', () => {
    const dir = tmp();
    const b = new TraceBuilder();
    b.alloc(0x10, 0);
    b.free(0x10, 0);
    b.free(0x10, 0);
    writeFileSync(join(dir, 'crlf.txt'), b.text().replace(/\n/g, '\r\n'));
    const k = JSON.parse(run([join(dir, 'crlf.txt'), '--json']).stdout);
    expect([k.model, k.findings[0].certain, k.findings[0].because]).toEqual(['kernel', false, ['order-0-untraced-alloc']]);
    const s = run([join(dir, 'crlf.txt'), '--json', '--strict', '--skew', '0']);
    expect(s.status).toBe(1);
    expect(JSON.parse(s.stdout).findings[0].certain).toBe(true);
  });

  it('refuses bad input with a message and exit code 2', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'empty.txt'), '');
    writeFileSync(join(dir, 'notes.txt'), 'hello\nworld\n');
    const gz = Buffer.from(gzipSync(buggy().text));
    gz[gz.length >> 1]! ^= 0xff;
    gz[(gz.length >> 1) + 1]! ^= 0xff;
    writeFileSync(join(dir, 'corrupt.gz'), gz);
    const cases: [string[], RegExp][] = [
      [[join(dir, 'missing.txt')], /no such file/],
      [[dir], /is a directory/],
      [[join(dir, 'empty.txt')], /no kmem:mm_page_\* events in 0 lines/],
      [[join(dir, 'notes.txt')], /no kmem:mm_page_\* events in 2 lines \(line 1: not an ftrace event line\)/],
      [[join(dir, 'corrupt.gz')], /gzip/],
      [[TRACE, '--skew', 'x'], /--skew must be a number/],
      [[TRACE, '--skew', '-5'], /error|--skew/],
      [[TRACE, '--max-findings', '1.5'], /--max-findings must be an integer/],
      [[TRACE, '--html', join(dir, 'no/such/dir/r.html')], /--html .*cannot write it/],
      [[TRACE, '--bogus'], /unknown option/],
      [[], /missing required argument/],
    ];
    for (const [args, msg] of cases) {
      const r = run(args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(msg);
      expect(r.stderr, args.join(' ')).not.toMatch(/\n\s+at /); // a message, not a stack trace
    }
    // A report asked for on bad input is not left behind, empty.
    const html = join(dir, 'r.html');
    expect(run([join(dir, 'notes.txt'), '--html', html]).status).toBe(2);
    expect(existsSync(html)).toBe(false);
  });

  it('the demo commands are still there', () => {
    const r = spawnSync(process.execPath, [bin, '--help'], { encoding: 'utf8' });
    expect(r.stdout).toContain('demo');
    expect(r.stdout).toContain('replay');
  });
});
