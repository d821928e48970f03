/**
 * The `/proc` views of the page allocator: `buddyinfo`, a `meminfo`-like summary, and `dmesg`.
 *
 * @module
 */
import { NR_PAGE_ORDERS, PAGE_SIZE } from '../page-alloc/constants.js';
import { MEMMAP_BYTES_PER_PAGE, PageKind } from '../page-alloc/memmap.js';
import { asMemory } from '../page-alloc/memory.js';
import type { MemoryImpl, VmStat } from '../page-alloc/memory.js';
import type { Memory } from '../page-alloc/page-alloc.js';
import type { Watermarks } from '../page-alloc/zone.js';

/**
 * `/proc/buddyinfo` — free blocks per order, one line per zone, in the kernel's exact format
 * (`"Node %d, zone %8s "` then `"%6lu "` per order). Like the kernel's, it counts the buddy free
 * lists only, not pages held on per-CPU lists.
 *
 * **When to use**: to watch fragmentation, or to check that freeing everything coalesces back to
 * the initial state (after `drainAllPages`).
 *
 * **Gotchas**: order-0 frees sit on the per-CPU list until a batch drains, so the order-0 column
 * lags; call `drainAllPages` before comparing snapshots. A non-`Memory` argument is
 * `INVALID_ARGUMENT`.
 *
 * @example
 * ```ts
 * import { createMemory, buddyinfo } from 'memdesc';
 * console.log(buddyinfo(createMemory({ pages: 4096 })));
 * // Node 0, zone   Normal      0      0      0      0      0      0      0      0      0      0      4
 * ```
 * @see {@link drainAllPages}
 */
export function buddyinfo(mem: Memory): string {
  const m = asMemory(mem, 'buddyinfo');
  let s = '';
  for (const z of m.zones) {
    s += `Node 0, zone ${z.name.padStart(8)} `;
    for (let o = 0; o < NR_PAGE_ORDERS; o++) s += `${String(z.nrFree[o]).padStart(6)} `;
    s += '\n';
  }
  return s;
}

/** `/proc/zoneinfo`, one zone — the per-zone figures of {@link memStats}. */
export interface ZoneStats {
  /** `zone->name` (`Normal`, `DMA32`, …). */
  readonly name: string;
  /** `zone_start_pfn`: the zone's first pfn. */
  readonly startPfn: number;
  /** `zone_end_pfn()`: one past the zone's last pfn. */
  readonly endPfn: number;
  /** `managed`: pages handed to the buddy allocator. */
  readonly managed: number;
  /** `NR_FREE_PAGES`: on the buddy free lists. */
  readonly free: number;
  /** On the per-CPU list. */
  readonly pcp: number;
  /** `pcp->high`: when the per-CPU list reaches this, a batch goes back to the buddy lists. */
  readonly pcpHigh: number;
  /** `pcp->batch`: pages moved per refill or drain of the per-CPU list. */
  readonly pcpBatch: number;
  /** `min`, `low`, `high` in pages ({@link Watermarks}). */
  readonly watermarks: Watermarks;
  /** `free_area[order].nr_free`. */
  readonly nrFree: readonly number[];
}

/**
 * `/proc/meminfo` + `/proc/vmstat` + `/proc/zoneinfo`, as one object — a snapshot of a machine
 * (from {@link memStats}).
 */
export interface MemStats {
  /** `MemTotal`, in pages. */
  readonly totalPages: number;
  /** `NR_FREE_PAGES`: on the buddy free lists (what `meminfo`'s `MemFree` shows); per-CPU pages are not counted. */
  readonly freePages: number;
  /** Pages cached on the per-CPU lists (free, but not on the buddy lists). */
  readonly pcpPages: number;
  /** Pages in live allocations, of every memdesc kind. */
  readonly allocatedPages: number;
  /** Live allocations (blocks), of every memdesc kind. */
  readonly liveAllocations: number;
  /** Allocated pages by memdesc kind. */
  readonly byKind: {
    /** `alloc_pages()` blocks. */
    readonly bare: number;
    /** Folios (`folioAlloc`). */
    readonly folio: number;
    /** Slab pages (`kmem_cache`, small `kmalloc`): `Slab` in `/proc/meminfo`. */
    readonly slab: number;
    /** Pages of vmalloc areas: `VmallocUsed`. */
    readonly vmalloc: number;
    /** Page-table pages (`ptdesc`): `PageTables`. */
    readonly pgtable: number;
    /** Large kmalloc blocks and other frozen pages. */
    readonly misc: number;
    /** Instances of user-defined memdescs (`defineMemdesc`). */
    readonly custom: number;
  };
  /** Live folios by order (index = order). */
  readonly foliosByOrder: readonly number[];
  /** Bytes of memmap metadata per page (16; the kernel's `struct page` is 64). */
  readonly metadataBytesPerPage: number;
  /** Pages whose contents have been materialised (written with non-zero bytes). */
  readonly backedPages: number;
  /** `vm.min_free_kbytes` of the machine. */
  readonly minFreeKbytes: number;
  /** `/proc/vmstat`-style counters ({@link VmStat}). */
  readonly vmstat: Readonly<VmStat>;
  /** `/proc/zoneinfo`: one entry per zone, lowest first. */
  readonly zones: readonly ZoneStats[];
}

/**
 * `/proc/meminfo` + `/proc/vmstat` + `/proc/zoneinfo`, as one object — a snapshot of the machine's
 * counters, per memdesc kind and per zone.
 *
 * **When to use**: in tests that assert how much memory a piece of code holds (`byKind`), or to
 * watch watermarks and per-CPU lists.
 *
 * **Gotchas**: a snapshot: it does not change afterwards. `freePages` counts the buddy free lists
 * only; free pages cached on per-CPU lists are in `pcpPages`. A non-`Memory` argument is
 * `INVALID_ARGUMENT`.
 *
 * @example
 * ```ts
 * import { createMemory, memStats } from 'memdesc';
 * const s = memStats(createMemory());
 * console.log(s.metadataBytesPerPage, s.zones[0]?.watermarks); // 16 { min: 512, low: 640, high: 768 }
 * ```
 * @see {@link meminfo}
 */
export function memStats(mem: Memory): MemStats {
  return memStatsOf(asMemory(mem, 'memStats'));
}

function memStatsOf(m: MemoryImpl): MemStats {
  const k = m.allocatedByKind;
  let allocated = 0;
  for (const v of k) allocated += v;
  return {
    totalPages: m.nrPages,
    freePages: m.totalFreePages,
    pcpPages: m.pcpPages,
    allocatedPages: allocated,
    liveAllocations: m.liveAllocations,
    byKind: {
      bare: k[PageKind.Bare]!,
      folio: k[PageKind.Folio]!,
      slab: k[PageKind.Slab]!,
      vmalloc: k[PageKind.Vmalloc]!,
      pgtable: k[PageKind.PageTable]!,
      misc: k[PageKind.Misc]!,
      custom: k[PageKind.Custom]!,
    },
    foliosByOrder: Array.from(m.foliosByOrder),
    metadataBytesPerPage: MEMMAP_BYTES_PER_PAGE,
    backedPages: m.contents.size,
    minFreeKbytes: m.minFreeKbytes,
    vmstat: { ...m.stat },
    zones: m.zones.map((z) => ({
      name: z.name,
      startPfn: z.start,
      endPfn: z.end,
      managed: z.managed,
      free: z.freePages,
      pcp: z.pcpCount,
      pcpHigh: z.pcpHigh,
      pcpBatch: z.pcpBatch,
      watermarks: z.watermarks,
      nrFree: Array.from(z.nrFree),
    })),
  };
}

/**
 * `/proc/meminfo` — per-memdesc lines in the kernel's format (`MemTotal:  262144 kB`): free memory,
 * `Slab`, `PageTables`, `VmallocUsed`, folios (with a count per order), bare `alloc_pages()`
 * blocks, large kmalloc blocks and user-defined memdescs.
 *
 * **When to use**: to print a human-readable summary in a demo or a failing test; assert on
 * {@link memStats} instead.
 *
 * **Gotchas**: `Folios`, `BarePages`, `KmallocLarge` and `Memdescs` are memdesc's own lines, not
 * the kernel's. `MemFree` is `NR_FREE_PAGES`, as in the kernel: pages cached on the per-CPU lists
 * are not counted (call `drainAllPages` first to include them).
 *
 * @example
 * ```ts
 * import { createMemory, meminfo } from 'memdesc';
 * console.log(meminfo(createMemory()).split('\n')[0]); // MemTotal:         262144 kB
 * ```
 */
export function meminfo(mem: Memory): string {
  const s = memStatsOf(asMemory(mem, 'meminfo'));
  const kb = (pages: number) => `${String((pages * PAGE_SIZE) / 1024).padStart(8)} kB`;
  const line = (name: string, pages: number) => `${(name + ':').padEnd(16)}${kb(pages)}\n`;
  let folios = '';
  s.foliosByOrder.forEach((count, order) => {
    if (count > 0) folios += `${`  order ${order}:`.padEnd(16)}${String(count).padStart(8)} folios\n`;
  });
  return (
    line('MemTotal', s.totalPages) +
    line('MemFree', s.freePages) +
    line('Slab', s.byKind.slab) +
    line('PageTables', s.byKind.pgtable) +
    line('VmallocUsed', s.byKind.vmalloc) +
    line('Folios', s.byKind.folio) +
    folios +
    line('BarePages', s.byKind.bare) +
    line('KmallocLarge', s.byKind.misc) +
    line('Memdescs', s.byKind.custom)
  );
}

/**
 * `dmesg` — the machine's kernel log: allocation failures, bad-page reports, fault-injection
 * notes, and the report of every `MmError` that was logged. The last 4096 lines are kept.
 *
 * **When to use**: to assert in a test that a failure was reported the way the kernel reports it,
 * with `printk: null` in `createMemory` to keep the console quiet.
 *
 * **Gotchas**: a copy of the log at the time of the call. Reports also go to `console.warn` unless
 * `createMemory({ printk })` says otherwise (reports that are thrown as an `MmError` go to the log
 * only).
 *
 * @example
 * ```ts
 * import { createMemory, allocPages, dmesg, GFP_NOWAIT } from 'memdesc';
 * const mem = createMemory({ pages: 1024, printk: null });
 * allocPages(mem, GFP_NOWAIT, 10); // fails: below the watermark
 * console.log(dmesg(mem)[0]); // memdesc: page allocation failure: order:10, mode:0x800(GFP_NOWAIT), nodemask=(null)
 * ```
 */
export function dmesg(mem: Memory): readonly string[] {
  return [...asMemory(mem, 'dmesg').log];
}
