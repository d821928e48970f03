/**
 * `memdesc demo binder --design …` end to end, as a spawned process on the built dist/ (`npm test`
 * builds first).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const bin = join(import.meta.dirname, '../../dist/cli/main.js');
const run = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });

describe('memdesc demo binder --design', () => {
  it('--design all --json: the three designs under pressure, each reusing, shrinking and back at boot; only folios count', () => {
    const r = run('demo', 'binder', '--design', 'all', '--json', '--transactions', '6000');
    expect(r.status, r.stderr).toBe(0);
    const { designs } = JSON.parse(r.stdout) as { designs: Record<string, Record<string, unknown> & { refcountOps: { gets: number; puts: number } }> };
    expect(Object.keys(designs)).toEqual(['page', 'folio', 'memdesc']);
    for (const [name, d] of Object.entries(designs)) {
      for (const k of ['transactions', 'lruReuses', 'shrinkerFreed', 'backToBoot', 'refcountOps', 'metadataPerPage', 'nsPerTransaction', 'cpuNsPerTransaction']) expect(d, name).toHaveProperty(k);
      expect(d['design'], name).toBe(name);
      expect(d['transactions'], name).toBe(6000);
      expect(d['lruReuses'] as number, name).toBeGreaterThan(0);
      expect(d['shrinkerFreed'] as number, name).toBeGreaterThan(0);
      expect((d['directReclaims'] as number) + (d['kswapdRuns'] as number), name).toBeGreaterThan(0);
      expect(d['backToBoot'], name).toBe(true);
      expect(d['nsPerTransaction'] as number, name).toBeGreaterThan(0);
      expect(d, name).not.toHaveProperty('memoryMap');
    }
    expect(designs['page']!.refcountOps).toEqual({ gets: 0, puts: 0 });
    expect(designs['memdesc']!.refcountOps).toEqual({ gets: 0, puts: 0 });
    expect(designs['folio']!.refcountOps.gets).toBeGreaterThan(0);
    expect(designs['folio']!.refcountOps.puts).toBe(2 * designs['folio']!.refcountOps.gets);
    expect(designs['folio']!['metadataPerPage']).toMatchObject({ refcount: true, observedRefcount: 2, observedMapcount: 1 });
  });

  it('--design folio --json prints that design alone', () => {
    const r = run('demo', 'binder', '--design', 'folio', '--json', '--transactions', '1500');
    expect(r.status, r.stderr).toBe(0);
    const d = JSON.parse(r.stdout);
    expect(d.design).toBe('folio');
    expect(d.slotType).toBe('ARef<Folio<0>>');
    expect(d.backToBoot).toBe(true);
  });

  it('--design all prints one column per design', () => {
    const r = run('demo', 'binder', '--design', 'all', '--transactions', '1500');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^memdesc demo binder --design all: 8 processes on a 32 MiB machine, seed 1, the same workload in each design$/m);
    expect(r.stdout).toMatch(/a slot holds +Owned<Page<0>> +ARef<Folio<0>> +Owned<BinderPage>/);
    expect(r.stdout).toMatch(/back to boot after teardown +yes +yes +yes/);
  });

  it('--design all --html puts the three side by side, each figure with a sentence saying what it shows', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'memdesc-')), 'designs.html');
    const r = run('demo', 'binder', '--design', 'all', '--transactions', '1500', '--html', file);
    expect(r.status, r.stderr).toBe(0);
    const html = readFileSync(file, 'utf8');
    expect(html).toContain('Binder page ranges on pages, on folios, on their own memdesc');
    expect(html.match(/<div class="side">/g)?.length).toBe(2); // memory maps, Binder's pages
    expect(html.match(/<svg /g)?.length).toBe(3 + 3 + 1 + 2);
    expect(html.match(/<figure>/g)?.length).toBe(html.match(/<figcaption>/g)?.length);
    expect(html.match(/<figcaption>/g)?.length).toBe(6);
    expect(html).not.toMatch(/<script|src="http|href="http/);
  });

  it('one design --html: pfn axis, Binder on its own axis, reclaim markers, watermarks, buddyinfo order headers, captions', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'memdesc-')), 'page.html');
    const r = run('demo', 'binder', '--transactions', '1500', '--html', file);
    expect(r.status, r.stderr).toBe(0);
    const html = readFileSync(file, 'utf8');
    expect(html).toContain('>pfn</text>');
    expect(html).toContain('>0x400</text>'); // a row label of the memory map
    expect(html).toContain("Binder&#39;s pages over time");
    for (const marker of ['direct reclaim', 'kswapd run', 'shrinker pass']) expect(html).toContain(`>${marker}</text>`);
    for (const wm of ['min ', 'low ', 'high ']) expect(html).toMatch(new RegExp(`>${wm}\\d+</text>`));
    expect(html).toMatch(/order +0 +1 +2 +3 +4 +5 +6 +7 +8 +9 +10/);
    expect(html).toMatch(/block +4K +8K +16K .* 4M/);
    expect(html.match(/<figcaption>/g)?.length).toBe(6);
  });

  it('the default run prints exactly what docs/binder.md shows', () => {
    const r = run('demo', 'binder');
    expect(r.status, r.stderr).toBe(0);
    const doc = readFileSync(join(import.meta.dirname, '../../docs/binder.md'), 'utf8');
    const block = /```text\n(memdesc demo binder: 8 processes[\s\S]*?)```/.exec(doc)?.[1];
    expect(block).toBeDefined();
    expect(r.stdout).toBe(block);
  });

  it('refuses a bad design or --repeat with a message and exit code 2', () => {
    for (const args of [['--design', 'slab'], ['--repeat', '2'], ['--design', 'all', '--repeat', '0'], ['--design', 'all', '--repeat', 'x']]) {
      const r = run('demo', 'binder', ...args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(/error|memdesc:/);
    }
  });
});
