/**
 * The `/proc` views of the page allocator: `buddyinfo`, a `meminfo`-like summary, and `dmesg`.
 *
 * @module
 */
import { NR_PAGE_ORDERS, PAGE_SIZE } from '../page-alloc/constants.js';
import { MEMMAP_BYTES_PER_PAGE, PageKind } from '../page-alloc/memmap.js';
import { asMemory } from '../page-alloc/memory.js';
import type { VmStat } from '../page-alloc/memory.js';
import type { Memory } from '../page-alloc/page-alloc.js';
import type { Watermarks } from '../page-alloc/zone.js';

/**
 * `/proc/buddyinfo` — free blocks per order, one line per zone, in the kernel's exact format
 * (`"Node %d, zone %8s "` then `"%6lu "` per order). Like the kernel's, it counts the buddy free
 * lists only, not pages held on per-CPU lists.
 *
 * @example
 * ```ts
 * import { createMemory, buddyinfo } from 'memdesc';
 * console.log(buddyinfo(createMemory({ pages: 4096 })));
 * // Node 0, zone   Normal      0      0      0      0      0      0      0      0      0      0      4
 * ```
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

/** Per-zone figures of {@link memStats}. */
export interface ZoneStats {
  readonly name: string;
  readonly startPfn: number;
  readonly endPfn: number;
  readonly managed: number;
  /** `NR_FREE_PAGES`: on the buddy free lists. */
  readonly free: number;
  /** On the per-CPU list. */
  readonly pcp: number;
  readonly pcpHigh: number;
  readonly pcpBatch: number;
  readonly watermarks: Watermarks;
  /** `free_area[order].nr_free`. */
  readonly nrFree: readonly number[];
}

/** A snapshot of a machine, like `/proc/meminfo` and `/proc/vmstat` together. */
export interface MemStats {
  readonly totalPages: number;
  /** On the buddy free lists (`MemFree` counts these plus the per-CPU ones). */
  readonly freePages: number;
  readonly pcpPages: number;
  readonly allocatedPages: number;
  readonly liveAllocations: number;
  /** Allocated pages by memdesc kind. */
  readonly byKind: {
    readonly bare: number;
    readonly folio: number;
    readonly slab: number;
    readonly vmalloc: number;
    readonly pgtable: number;
    readonly misc: number;
    readonly custom: number;
  };
  /** Live folios by order (index = order). */
  readonly foliosByOrder: readonly number[];
  /** Bytes of memmap metadata per page (16; the kernel's `struct page` is 64). */
  readonly metadataBytesPerPage: number;
  /** Pages whose contents have been materialised (written with non-zero bytes). */
  readonly backedPages: number;
  readonly minFreeKbytes: number;
  readonly vmstat: Readonly<VmStat>;
  readonly zones: readonly ZoneStats[];
}

/**
 * `/proc/meminfo` + `/proc/vmstat` + `/proc/zoneinfo`, as one object.
 *
 * @example
 * ```ts
 * import { createMemory, memStats } from 'memdesc';
 * const s = memStats(createMemory());
 * console.log(s.metadataBytesPerPage, s.zones[0]?.watermarks); // 16 { min: 512, low: 640, high: 768 }
 * ```
 */
export function memStats(mem: Memory): MemStats {
  const m = asMemory(mem, 'memStats');
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
 * @example
 * ```ts
 * import { createMemory, meminfo } from 'memdesc';
 * console.log(meminfo(createMemory()).split('\n')[0]); // MemTotal:         262144 kB
 * ```
 */
export function meminfo(mem: Memory): string {
  const s = memStats(mem);
  const kb = (pages: number) => `${String((pages * PAGE_SIZE) / 1024).padStart(8)} kB`;
  const line = (name: string, pages: number) => `${(name + ':').padEnd(16)}${kb(pages)}\n`;
  let folios = '';
  s.foliosByOrder.forEach((count, order) => {
    if (count > 0) folios += `${`  order ${order}:`.padEnd(16)}${String(count).padStart(8)} folios\n`;
  });
  return (
    line('MemTotal', s.totalPages) +
    line('MemFree', s.freePages + s.pcpPages) +
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
 * notes. The last 4096 lines are kept.
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
