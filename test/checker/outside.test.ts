/**
 * The outside corpora (test/checker/outside/, see its README.md): programs written blind — from the
 * public docs only, never running the checker — by eight authors after the checker was built, on
 * storage (page cache, zram, journal, bounce buffers, a vmalloc bitmap, an extent tree, async I/O),
 * on networking and virtualization (page_pool, virtio, a balloon, io_uring buffers, a KVM MMU,
 * a TTM pool, shared buffers), on drivers (a zswap-like pool, dma-buf, a PCM ring, an audit
 * log, a hugetlb pool, USB URBs, a scatterwalk) and on pipes and rings (a pipe buffer ring and
 * splice, io_uring provided buffers, a BPF-like ring buffer, CMA with devres, KSM, tier
 * migration, a page_pool, a kexec segment list) and on device memory (an ftrace-like ring
 * buffer, a module loader, RDMA memory regions, GEM objects, NVMe PRP lists) and on core mm
 * protocols (page_frag, a zsmalloc-like pool, THP collapse, RCU-deferred frees, userfaultfd,
 * memcg charging) and on swap-in and DMA (a swap cache with readahead, a DMA-BUF heap, a vhost-like
 * async worker, an inode cache with a shrinker, a crash-dump collector, a swiotlb-like pool) and
 * on buffer managers (io_uring fixed buffers, a NIC page_pool, virtio-balloon, GEM/TTM buffer
 * objects, a keyring on an ownable memdesc). Each misuse is a real bug and each correct program runs clean (as
 * in corpus.test.ts); the checker finds nothing in the correct programs, and its recall on the
 * misuses — measured as the corpora first came in and after this session's work on what they
 * showed — may not fall (docs/checker.md, "How it is measured").
 */
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODE_OF, expectCaught, expectClean, parseMarkers, programsIn } from './corpus-harness.js';

const root = resolve(import.meta.dirname, '../..');

/** Each corpus, with the checker's recall on it now (flagged / misuses): a floor, not a target. */
const CORPORA = [
  { name: 'storage', flagged: 31 },
  { name: 'netvirt', flagged: 19 },
  { name: 'drivers', flagged: 14 },
  { name: 'pipes', flagged: 15 },
  { name: 'devmem', flagged: 14 },
  { name: 'mmcore', flagged: 9 },
  { name: 'swapdma', flagged: 10 },
  { name: 'bufmgr', flagged: 9 },
];

let savedLimit = 10;
beforeAll(() => {
  savedLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 64;
});
afterAll(() => {
  Error.stackTraceLimit = savedLimit;
});

for (const corpus of CORPORA) {
  const dir = join(import.meta.dirname, 'outside', corpus.name);
  const misuse = programsIn(dir, 'misuse');
  const correct = programsIn(dir, 'correct');
  const lib = programsIn(dir, 'lib');

  describe(`outside corpus ${corpus.name}`, () => {
    it('marks exactly one misuse per misuse program and nothing elsewhere; every misuse has a correct twin', () => {
      for (const p of [...misuse, ...correct, ...lib]) expect(parseMarkers(p.path).errors, p.name).toEqual([]);
      for (const p of misuse) expect(p.misuses.length, p.name).toBe(1);
      for (const p of [...correct, ...lib]) expect(p.misuses, p.name).toEqual([]);
      const twins = correct.filter((p) => !p.name.startsWith('precision-')).map((p) => p.name);
      expect(twins).toEqual(misuse.map((p) => p.name));
    });

    for (const program of misuse) {
      const m = program.misuses[0]!;
      it(`${program.name}:${m.line} ${m.kind} → ${CODE_OF[m.kind]}`, () => expectCaught(program));
    }
    for (const program of correct) it(`${program.name} runs clean`, () => expectClean(program));

    it(`memdesc check: no finding on correct code, and at least ${corpus.flagged} of ${misuse.length} misuses flagged`, () => {
      const r = spawnSync(process.execPath, [join(root, 'scripts/score-checker.mjs'), '--json', '--corpus', dir, '--cli', join(root, 'dist/cli/main.js')], { cwd: root, encoding: 'utf8' });
      const json = JSON.parse(r.stdout) as { flagged: number; misuses: number; falsePositives: number };
      expect(json.misuses).toBe(misuse.length);
      expect(json.falsePositives, r.stdout).toBe(0);
      expect(json.flagged).toBeGreaterThanOrEqual(corpus.flagged);
    }, 120_000);
  });
}
