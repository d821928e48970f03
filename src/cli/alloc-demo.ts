/**
 * `memdesc demo alloc`: the page allocator alone — a 256 MiB machine runs a short mixed workload
 * (page-cache-like single pages, network-buffer-sized blocks, a few huge blocks, atomic
 * allocations from "interrupts"), then prints a summary and `/proc/buddyinfo` before and after.
 *
 * Deterministic: a fixed seed, so every run prints the same numbers.
 *
 * @module
 */
import {
  createMemory,
  allocPages,
  freePages,
  drainAllPages,
  buddyinfo,
  memStats,
  meminfo,
  dmesg,
  checkLeaks,
  writeRaw,
  GFP_KERNEL,
  GFP_ATOMIC,
  GFP_HIGHUSER_MOVABLE,
  __GFP_COMP,
  __GFP_NOWARN,
  __GFP_ZERO,
  gfpToString,
  type Owned,
  type Page,
} from '../index.js';

interface Held {
  page: Owned<Page>;
  order: number;
}

/** mulberry32, seeded: the same workload on every run. */
function rng(seed: number): () => number {
  let s = seed | 0;
  return () => {
    let t = (s = (s + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function runAllocDemo(out: (line: string) => void = console.log): boolean {
  const mem = createMemory({ printk: null });
  const random = rng(2024);
  const initial = buddyinfo(mem);
  const stats0 = memStats(mem);
  const z0 = stats0.zones[0]!;
  out(`memdesc: a ${(mem.nrPages * 4) / 1024} MiB machine, ${mem.nrPages} pages of 4 KiB, one zone (Normal)`);
  out(
    `  min_free_kbytes ${stats0.minFreeKbytes}: watermarks min ${z0.watermarks.min}, low ${z0.watermarks.low}, ` +
      `high ${z0.watermarks.high} pages; per-CPU batch ${z0.pcpBatch}, high ${z0.pcpHigh}`,
  );
  out(`  memmap: ${stats0.metadataBytesPerPage} bytes per page (the kernel's struct page: 64)`);
  out('');
  out('/proc/buddyinfo at boot:');
  out(initial.trimEnd());
  out('');

  // The mix: what kind of allocation, how often, with which flags.
  const kinds = [
    { name: 'page cache (order 0)', weight: 70, order: () => 0, gfp: GFP_HIGHUSER_MOVABLE },
    { name: 'skb frags (order 0..3)', weight: 20, order: () => Math.floor(random() * 4), gfp: GFP_KERNEL | __GFP_COMP },
    { name: 'irq buffers (atomic, order 0..1)', weight: 8, order: () => Math.floor(random() * 2), gfp: GFP_ATOMIC | __GFP_ZERO },
    { name: 'THP (order 9)', weight: 2, order: () => 9, gfp: GFP_HIGHUSER_MOVABLE | __GFP_COMP | __GFP_NOWARN },
  ];
  const totalWeight = kinds.reduce((n, k) => n + k.weight, 0);
  const perKind = kinds.map(() => ({ ok: 0, failed: 0, pages: 0 }));
  const held: Held[] = [];
  const steps = 60_000;
  let peakPages = 0;
  let livePages = 0;
  let peakInfo = '';
  let peakHeld = 0;
  let peakLive = 0;
  for (let step = 0; step < steps; step++) {
    // Memory pressure rises and falls: in the middle of the run the workload wants more than the
    // machine has, so it runs into the watermarks.
    const target = 66_000 * Math.sin((Math.PI * step) / steps);
    if (step === steps / 2) {
      peakInfo = buddyinfo(mem);
      peakHeld = held.length;
      peakLive = livePages;
    }
    if (livePages > target && held.length > 0) {
      const i = Math.floor(random() * held.length);
      const h = held[i]!;
      held[i] = held[held.length - 1]!;
      held.pop();
      freePages(h.page, h.order);
      livePages -= 1 << h.order;
      continue;
    }
    let pick = random() * totalWeight;
    let k = 0;
    while (pick >= kinds[k]!.weight) pick -= kinds[k++]!.weight;
    const kind = kinds[k]!;
    const order = kind.order();
    const page = allocPages(mem, kind.gfp, order);
    if (page === null) {
      perKind[k]!.failed++;
      continue;
    }
    if (step % 97 === 0) writeRaw(page, new Uint8Array([step & 0xff, 1, 2, 3]), 0);
    perKind[k]!.ok++;
    perKind[k]!.pages += 1 << order;
    held.push({ page, order });
    livePages += 1 << order;
    peakPages = Math.max(peakPages, livePages);
  }

  const mid = memStats(mem);
  out(`Workload: ${steps} steps, peak ${peakPages} pages live (${((peakPages * 100) / mem.nrPages).toFixed(1)}% of memory)`);
  for (const [i, k] of kinds.entries()) {
    const s = perKind[i]!;
    out(`  ${k.name.padEnd(34)} ${String(s.ok).padStart(6)} allocations, ${String(s.failed).padStart(4)} failed  [${gfpToString(k.gfp)}]`);
  }
  const v = mid.vmstat;
  out(`  pgalloc ${v.pgalloc}, pgfree ${v.pgfree}, slow path ${v.slowpath}, per-CPU refills ${v.pcpRefills}, drains ${v.pcpDrains}`);
  const report = dmesg(mem).find((l) => l.includes('page allocation failure'));
  if (report !== undefined) out(`  first failure in dmesg: ${report}`);
  out(`  pages written: ${mid.backedPages} materialised (the rest read as zero and cost nothing)`);
  out('');
  out(`/proc/buddyinfo at the height of the run, ${peakHeld} blocks held (${peakLive} pages):`);
  out(peakInfo.trimEnd());
  out('');
  out(`/proc/meminfo at the end of the run (${held.length} blocks still held):`);
  out(meminfo(mem).trimEnd());
  out('');

  for (const h of held) freePages(h.page, h.order);
  drainAllPages(mem);
  checkLeaks(mem);
  const after = buddyinfo(mem);
  out('/proc/buddyinfo after freeing everything and drain_all_pages():');
  out(after.trimEnd());
  out(after === initial ? 'fully coalesced: identical to boot; leak check clean' : 'NOT identical to boot: fragmentation left behind');
  return after === initial;
}
