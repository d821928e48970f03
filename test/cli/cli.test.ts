/**
 * The `memdesc` command, end to end, as a spawned process (it runs the built dist/: `npm test`
 * builds first).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const bin = join(import.meta.dirname, '../../dist/cli/main.js');
const run = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });

describe('memdesc demo binder', () => {
  it('--json prints one JSON object with the counters and buddyinfo', () => {
    const r = run('demo', 'binder', '--json', '--transactions', '3000');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    for (const k of ['transactions', 'lruReuses', 'shrinkerFreed', 'pagesAllocated', 'buddyinfo']) expect(out).toHaveProperty(k);
    expect(out.transactions).toBe(3000);
    expect(out.buddyinfo).toMatch(/^Node 0, zone   Normal( +\d+){11} \n$/);
    expect(out.backToBoot).toBe(true);
  });

  it('--html writes a self-contained report with the SVG memory map and plots', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'memdesc-')), 'report.html');
    const r = run('demo', 'binder', '--transactions', '2000', '--html', file);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`HTML report written to ${file}`);
    const html = readFileSync(file, 'utf8');
    expect(html.match(/<svg /g)?.length).toBe(5); // memory map, pages, free pages against the watermarks, Binder's pages, free blocks
    expect(html).toContain('Memory map at the end of the run');
    expect(html).toContain('Free blocks per order over time');
    expect(html).not.toMatch(/<script|src="http|href="http/); // self-contained
  });

  it('prints a summary by default, without a progress bar when not on a terminal', () => {
    const r = run('demo', 'binder', '--transactions', '1000', '--memory', '16M', '--processes', '4', '--seed', '3');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('memdesc demo binder: 4 processes on a 16 MiB machine, seed 3');
    expect(r.stdout).toContain('/proc/buddyinfo');
    expect(r.stderr).toBe('');
  });

  it('refuses bad options with a message and exit code 2', () => {
    for (const args of [
      ['--memory', 'lots'],
      ['--memory', '5000'],
      ['--memory', '1M'],
      ['--processes', '0'],
      ['--processes', '40', '--memory', '32M'],
      ['--transactions', '-5'],
      ['--seed', 'x'],
      ['--bogus'],
    ]) {
      const r = run('demo', 'binder', ...args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(/error|memdesc:/);
    }
    expect(run('nonsense').status).toBe(2);
  });

  it('demo alloc runs the page allocator workload', () => {
    const r = run('demo', 'alloc');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('fully coalesced: identical to boot');
  });
});
