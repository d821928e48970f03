/**
 * Leak checks: the live allocations and who made them (`/sys/kernel/debug/page_owner`), and a
 * check that throws `LEAK` when a test ends with pages still allocated.
 *
 * @module
 */
import { gfpToString } from '../page-alloc/gfp.js';
import { PageKind, PAGE_KIND_NAMES } from '../page-alloc/memmap.js';
import { asMemory, type MemoryImpl } from '../page-alloc/memory.js';
import type { Memory } from '../page-alloc/page-alloc.js';
import { MmError, hexPfn } from './mm-error.js';
import { formatSite } from './page-owner.js';

/**
 * `/sys/kernel/debug/page_owner`, one record — one live allocation, as page_owner sees it (an
 * element of {@link liveAllocations}).
 */
export interface LiveAllocation {
  /** Head page frame number of the block. */
  readonly pfn: number;
  /** The block's order (2^order pages). */
  readonly order: number;
  /** The memdesc kind: `bare`, `folio`, `slab`, `vmalloc`, `pgtable`, `misc`, `custom`. */
  readonly kind: string;
  /** GFP flags as text (`GFP_KERNEL|__GFP_ZERO`); `unknown` when page_owner is off. */
  readonly gfp: string;
  /** Allocation time in clock ticks; -1 when page_owner is off. */
  readonly ts: number;
  /** Age in clock ticks at the time of the scan; -1 when page_owner is off. */
  readonly age: number;
  /** The allocation site's stack (user frames), or a note that page_owner is off. */
  readonly stack: string;
}

/**
 * `/sys/kernel/debug/page_owner` — every live allocation, lowest pfn first, with its allocation
 * site when page_owner is on. Slab pages appear as their slabs, vmalloc areas page by page.
 *
 * **When to use**: to see what a test left allocated, or to assert on what a piece of code
 * allocated (kind, order, GFP flags).
 *
 * **Gotchas**: it walks the whole memmap (O(pages)). With `debug: 'fast'` there is no page_owner:
 * `gfp` reads `unknown`, `ts` and `age` are -1 and `stack` says so. Pages on the per-CPU lists are
 * free, not listed.
 *
 * @example
 * ```ts
 * import { createMemory, allocPage, liveAllocations, GFP_KERNEL } from 'memdesc';
 * const mem = createMemory();
 * allocPage(mem, GFP_KERNEL);
 * console.log(liveAllocations(mem)[0]?.kind); // "bare"
 * ```
 * @see {@link checkLeaks}
 */
export function liveAllocations(mem: Memory): LiveAllocation[] {
  return liveAllocationsOf(asMemory(mem, 'liveAllocations'));
}

function liveAllocationsOf(m: MemoryImpl): LiveAllocation[] {
  const out: LiveAllocation[] = [];
  const map = m.map;
  for (let pfn = 0; pfn < m.nrPages; ) {
    const kind = map.kind[pfn]!;
    const order = map.order[pfn]!;
    if (kind === PageKind.None || kind === PageKind.Tail) {
      pfn++;
      continue;
    }
    if (kind !== PageKind.Buddy && kind !== PageKind.Pcp) {
      const rec = m.owners?.get(pfn);
      out.push({
        pfn,
        order,
        kind: PAGE_KIND_NAMES[kind] ?? String(kind),
        gfp: rec === undefined ? 'unknown' : gfpToString(rec.gfp),
        ts: rec?.ts ?? -1,
        age: rec === undefined ? -1 : m.clock - rec.ts,
        stack: formatSite(rec?.site, '    '),
      });
    }
    pfn += 1 << order;
  }
  return out;
}

/**
 * `kmemleak` (`echo scan > /sys/kernel/debug/kmemleak`) — a leak check: throws `MmError` `LEAK`
 * listing every live allocation (with its allocation site when page_owner is on) if any remain.
 *
 * **When to use**: at the end of a test, after freeing everything the test allocated.
 *
 * **Gotchas**: it does not know what *should* still be allocated: everything live counts, including
 * slab pages kept by a cache that still holds objects, and memory another part of the program
 * keeps on purpose. Use a fresh machine per test. The report lists the first 10 allocations.
 *
 * @example
 * ```ts
 * import { createMemory, allocPage, freePage, checkLeaks, GFP_KERNEL } from 'memdesc';
 * const mem = createMemory();
 * freePage(allocPage(mem, GFP_KERNEL)!);
 * checkLeaks(mem); // passes
 * ```
 * @see {@link liveAllocations}
 */
export function checkLeaks(mem: Memory): void {
  const live = liveAllocationsOf(asMemory(mem, 'checkLeaks'));
  if (live.length === 0) return;
  const shown = live.slice(0, 10).map(
    (a) =>
      `unreferenced object pfn:${hexPfn(a.pfn)} (order ${a.order}, ${a.kind}): gfp ${a.gfp}, age ${a.age}\n  backtrace:\n${a.stack}`,
  );
  const more = live.length > 10 ? `\n… and ${live.length - 10} more` : '';
  throw new MmError('LEAK', `kmemleak: ${live.length} new suspected memory leaks\n${shown.join('\n')}${more}`, live[0]!.pfn);
}
