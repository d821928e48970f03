import { describe, expect, it } from 'vitest';
import {
  createMemory,
  allocPages,
  allocPage,
  freePages,
  freePage,
  drainAllPages,
  buddyinfo,
  memStats,
  verifyMemory,
  pageToPfn,
  pageAddress,
  dmesg,
  GFP_KERNEL,
  GFP_ATOMIC,
  GFP_NOWAIT,
  GFP_DMA,
  GFP_DMA32,
  __GFP_COMP,
  __GFP_NOWARN,
  MAX_PAGE_ORDER,
  pageOffset,
  PAGE_SIZE,
  type Memory,
} from '../../src/index.js';
import { impl, quiet } from '../helpers.js';

const line = (name: string, counts: number[]) =>
  `Node 0, zone ${name.padStart(8)} ` + counts.map((c) => `${String(c).padStart(6)} `).join('') + '\n';

describe('createMemory', () => {
  it('defaults to 256 MiB in one Normal zone, all in order-10 blocks', () => {
    const mem = createMemory(quiet);
    expect(mem.nrPages).toBe(65536);
    expect(buddyinfo(mem)).toBe(line('Normal', [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 64]));
  });

  it('prints /proc/buddyinfo byte for byte like the kernel', () => {
    // The DMA line of the shared Linux 6.1 trace, and our own rendering of the same counts.
    const kernel = 'Node 0, zone      DMA      0      0      0      0      0      1      1      1      0      1      3 \n';
    expect(line('DMA', [0, 0, 0, 0, 0, 1, 1, 1, 0, 1, 3])).toBe(kernel);
    const mem = createMemory({ zones: [{ name: 'DMA', pages: 4096 }], ...quiet });
    expect(buddyinfo(mem)).toBe(line('DMA', [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4]));
  });

  it('carves a size that is not a multiple of 1024 pages into the largest aligned blocks', () => {
    const mem = createMemory({ pages: 1000, ...quiet }); // 512+256+128+64+32+8
    expect(buddyinfo(mem)).toBe(line('Normal', [0, 0, 0, 1, 0, 1, 1, 1, 1, 1, 0]));
    verifyMemory(mem);
  });

  it('accepts a size in bytes', () => {
    expect(createMemory({ bytes: 64 * 1024 * 1024, ...quiet }).nrPages).toBe(16384);
  });

  it('derives watermarks from min_free_kbytes as the kernel does', () => {
    // 256 MiB: min_free_kbytes = int_sqrt(262144 * 16) = 2048 KiB = 512 pages;
    // gap = max(512 / 4, 65536 * 10 / 10000) = 128.
    const z = memStats(createMemory(quiet)).zones[0]!;
    expect(memStats(createMemory(quiet)).minFreeKbytes).toBe(2048);
    expect(z.watermarks).toEqual({ min: 512, low: 640, high: 768 });
    // zone_batchsize(65536) = rounddown_pow_of_two(16 + 8) - 1 = 15; high = max(low, 4 * batch).
    expect(z.pcpBatch).toBe(15);
    expect(z.pcpHigh).toBe(640);
    // An explicit min_free_kbytes and watermark_scale_factor.
    const w = memStats(createMemory({ minFreeKbytes: 4096, watermarkScaleFactor: 100, ...quiet })).zones[0]!.watermarks;
    expect(w).toEqual({ min: 1024, low: 1024 + 655, high: 1024 + 1310 });
  });

  it('clamps min_free_kbytes to at least 128 KiB on tiny machines', () => {
    expect(memStats(createMemory({ pages: 64, ...quiet })).minFreeKbytes).toBe(128);
  });

  it('splits min_free_kbytes over zones in proportion to their size', () => {
    const mem = createMemory({ zones: [{ name: 'DMA', pages: 4096 }, { name: 'DMA32', pages: 12288 }], ...quiet });
    const [dma, dma32] = memStats(mem).zones;
    // min_free_kbytes = int_sqrt(65536 * 16) = 1024 KiB = 256 pages: 64 + 192.
    expect(dma!.watermarks.min).toBe(64);
    expect(dma32!.watermarks.min).toBe(192);
    expect(buddyinfo(mem)).toBe(line('DMA', [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4]) + line('DMA32', [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 12]));
  });

  it('reports 16 bytes of metadata per page', () => {
    expect(memStats(createMemory({ pages: 1024, ...quiet })).metadataBytesPerPage).toBe(16);
  });

  it('simulates a 16 GiB machine without materialising its pages', () => {
    const mem = createMemory({ pages: 4 * 1024 * 1024, debug: 'fast', ...quiet });
    const p = allocPages(mem, GFP_KERNEL, 10)!;
    expect(memStats(mem).backedPages).toBe(0);
    freePages(p, 10);
  });
});

describe('allocPages / freePages: the buddy algorithm', () => {
  it('splits the smallest block that fits, handing the upper halves back (expand)', () => {
    const mem = createMemory({ pages: 4096, ...quiet });
    const p = allocPages(mem, GFP_KERNEL, 3)!;
    expect(pageToPfn(p)).toBe(0);
    // One order-10 block split down to order 3: one free block at each of orders 3..9.
    expect(buddyinfo(mem)).toBe(line('Normal', [0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 3]));
    freePages(p, 3);
    // Freed: merges with its buddy at every order back into an order-10 block.
    expect(buddyinfo(mem)).toBe(line('Normal', [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4]));
    verifyMemory(mem);
  });

  it('returns blocks aligned to their size, for every order 0..10', () => {
    const mem = createMemory({ pages: 8192, ...quiet });
    for (let order = 0; order <= MAX_PAGE_ORDER; order++) {
      const p = allocPages(mem, GFP_KERNEL, order)!;
      expect(pageToPfn(p) % (1 << order)).toBe(0);
      expect(pageAddress(p)).toBe(pageOffset(mem) + pageToPfn(p) * PAGE_SIZE);
      freePages(p, order);
    }
    drainAllPages(mem);
    expect(memStats(mem).zones[0]!.nrFree[10]).toBe(8);
  });

  it('merges with buddy = pfn ^ (1 << order) and no other block', () => {
    const mem = createMemory({ pages: 1024, ...quiet });
    const a = allocPages(mem, GFP_KERNEL, 1)!; // pfn 0
    const b = allocPages(mem, GFP_KERNEL, 1)!; // pfn 2: a's buddy
    const c = allocPages(mem, GFP_KERNEL, 1)!; // pfn 4
    expect([pageToPfn(a), pageToPfn(b), pageToPfn(c)]).toEqual([0, 2, 4]);
    // Splitting left pfn 6 free at order 1.
    freePages(a, 1); // pfn 0: its buddy (2) is allocated, so it stays at order 1
    freePages(c, 1); // pfn 4 merges with 6 into order 2 at 4; pfn 0 is not its order-2 buddy's equal
    expect(memStats(mem).zones[0]!.nrFree.slice(0, 3)).toEqual([0, 1, 1]);
    freePages(b, 1); // 0+2 → order 2 at 0, + 4 → order 3, … up to order 10
    expect(buddyinfo(mem)).toBe(line('Normal', [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]));
  });

  it('serves order 0 from a per-CPU list refilled a batch at a time, drained past high', () => {
    const mem = createMemory(quiet);
    const z = () => memStats(mem).zones[0]!;
    const p = allocPage(mem, GFP_KERNEL)!;
    expect(z().pcp).toBe(14); // a batch of 15 taken, one handed out
    expect(z().free).toBe(65536 - 15); // pages on per-CPU lists are not NR_FREE_PAGES
    freePage(p);
    expect(z().pcp).toBe(15);
    expect(buddyinfo(mem)).not.toBe(line('Normal', [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 64]));
    drainAllPages(mem);
    expect(z().pcp).toBe(0);
    expect(buddyinfo(mem)).toBe(line('Normal', [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 64]));
    // Freeing past pcp->high gives a batch back to the buddy lists.
    const held = Array.from({ length: 700 }, () => allocPage(mem, GFP_KERNEL)!);
    for (const h of held) freePage(h);
    expect(z().pcp).toBeLessThan(z().pcpHigh);
    expect(memStats(mem).vmstat.pcpDrains).toBeGreaterThan(0);
    verifyMemory(mem);
  });

  it('hands the hottest page back first (LIFO per-CPU list)', () => {
    const mem = createMemory({ pages: 1024, ...quiet });
    const a = allocPage(mem, GFP_KERNEL)!;
    const pfn = pageToPfn(a);
    freePage(a);
    const b = allocPage(mem, GFP_KERNEL)!;
    expect(pageToPfn(b)).toBe(pfn);
    freePage(b);
  });

  it('builds compound blocks with __GFP_COMP: tails point at the head', () => {
    const mem = createMemory({ pages: 1024, ...quiet });
    const p = allocPages(mem, GFP_KERNEL | __GFP_COMP, 2)!;
    const m = impl(mem).map;
    const head = pageToPfn(p);
    expect(m.flags[head]! & 1).toBe(1);
    for (let t = head + 1; t < head + 4; t++) expect(m.u0[t]).toBe(head);
    verifyMemory(mem);
    freePages(p, 2);
    for (let t = head + 1; t < head + 4; t++) expect(m.kind[t]).toBe(0);
    verifyMemory(mem);
  });

  it('allocates GFP_DMA / GFP_DMA32 only from those zones, others from the highest first', () => {
    const mem = createMemory({
      zones: [
        { name: 'DMA', pages: 1024 },
        { name: 'DMA32', pages: 2048 },
        { name: 'Normal', pages: 4096 },
      ],
      ...quiet,
    });
    const n = allocPages(mem, GFP_KERNEL, 1)!;
    const d32 = allocPages(mem, GFP_KERNEL | GFP_DMA32, 1)!;
    const d = allocPages(mem, GFP_KERNEL | GFP_DMA, 1)!;
    expect(pageToPfn(n)).toBeGreaterThanOrEqual(3072);
    expect(pageToPfn(d32)).toBeGreaterThanOrEqual(1024);
    expect(pageToPfn(d32)).toBeLessThan(3072);
    expect(pageToPfn(d)).toBeLessThan(1024);
    for (const p of [n, d32, d]) freePages(p, 1);
    verifyMemory(mem);
  });
});

describe('watermarks and GFP', () => {
  // 4096 pages: min_free_kbytes 512 → min 128 pages, low 160, high 192; batch 1.
  function drain(mem: Memory, gfp: number): number {
    let n = 0;
    while (allocPage(mem, gfp | __GFP_NOWARN) !== null) n++;
    return n;
  }

  it('GFP_KERNEL stops at the min watermark; GFP_NOWAIT cannot go lower; GFP_ATOMIC dips to 3/8 of min', () => {
    const mem = createMemory({ pages: 4096, ...quiet });
    const z = () => memStats(mem).zones[0]!;
    expect(z().watermarks).toEqual({ min: 128, low: 160, high: 192 });
    drain(mem, GFP_KERNEL);
    expect(z().free).toBe(128);
    expect(drain(mem, GFP_NOWAIT)).toBe(0);
    // __GFP_HIGH: min - min/2 = 64; cannot sleep: 64 - 64/4 = 48.
    expect(drain(mem, GFP_ATOMIC)).toBe(128 - 48);
    expect(z().free).toBe(48);
    verifyMemory(mem);
  });

  it('falls back to the slow path below the low watermark and counts it', () => {
    const mem = createMemory({ pages: 4096, ...quiet });
    drain(mem, GFP_KERNEL);
    expect(memStats(mem).vmstat.slowpath).toBeGreaterThan(0);
  });

  it('a higher order needs a free block of that order, not just enough free pages', () => {
    const mem = createMemory({ pages: 4096, minFreeKbytes: 0, ...quiet });
    // Take every page, then give back every other one: 2048 free pages, no two of them buddies.
    const all = [];
    for (let p; (p = allocPage(mem, GFP_ATOMIC | __GFP_NOWARN)); ) all.push(p);
    const keep = all.filter((p) => pageToPfn(p) % 2 === 0);
    for (const p of all) if (pageToPfn(p) % 2 === 1) freePage(p);
    drainAllPages(mem);
    expect(memStats(mem).zones[0]!.nrFree.slice(1).every((n) => n === 0)).toBe(true);
    expect(allocPages(mem, GFP_KERNEL | __GFP_NOWARN, 1)).toBeNull();
    for (const p of keep) freePage(p);
  });

  it('reports a failure the kernel way, unless __GFP_NOWARN', () => {
    const lines: string[] = [];
    const mem = createMemory({ pages: 1024, printk: (l) => lines.push(l) });
    expect(allocPages(mem, GFP_KERNEL, 10)).toBeNull();
    expect(lines[0]).toBe('memdesc: page allocation failure: order:10, mode:0xcc0(GFP_KERNEL), nodemask=(null)');
    expect(lines[1]).toMatch(/^Node 0 Normal: (\d+\*\d+kB ){10}\d+\*4096kB = 4096kB$/);
    expect(dmesg(mem)).toEqual(lines);
    expect(allocPages(mem, GFP_KERNEL | __GFP_NOWARN, 10)).toBeNull();
    expect(lines.length).toBe(2);
    expect(memStats(mem).vmstat.allocFailures).toBe(2);
  });

  it('drains the per-CPU lists before failing a caller that may sleep', () => {
    const mem = createMemory({ pages: 2048, pcpBatch: 63, pcpHigh: 1000, ...quiet });
    const pages = Array.from({ length: 600 }, () => allocPage(mem, GFP_KERNEL)!);
    for (const p of pages) freePage(p);
    // ~600 pages are parked on the per-CPU list: the order-10 blocks they came from are broken.
    expect(memStats(mem).pcpPages).toBeGreaterThan(500);
    const big = allocPages(mem, GFP_KERNEL, 10);
    expect(big).not.toBeNull();
    freePages(big!, 10);
    verifyMemory(mem);
  });
});
