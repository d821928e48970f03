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
import { slabLiveObjects } from '../slab/slab.js';
import { NO_STACKS, formatSite } from './page-owner.js';

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
  /**
   * The allocation site's stack (user frames) with `pageOwnerStacks: true`; otherwise a note saying
   * why there is none (stacks off, or page_owner off with `debug: 'fast'`).
   */
  readonly stack: string;
}

/**
 * `/sys/kernel/debug/page_owner` — every live allocation, lowest pfn first, with its GFP flags and
 * timestamp (and its allocation stack with `pageOwnerStacks: true`). Slab pages appear as their
 * slabs, vmalloc areas page by page.
 *
 * **When to use**: to see what a test left allocated, or to assert on what a piece of code
 * allocated (kind, order, GFP flags).
 *
 * **Gotchas**: it walks the whole memmap (O(pages)). With `debug: 'fast'` there is no page_owner:
 * `gfp` reads `unknown`, `ts` and `age` are -1 and `stack` says so. Without `pageOwnerStacks` the
 * stack is a one-line note: find the allocation by its `ts` (the machine's clock, one tick per
 * allocator call) or turn stacks on in the test that hunts it. Pages on the per-CPU lists are free,
 * not listed.
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
      const po = m.pageOwner;
      const ts = po === null ? -1 : po.allocTs(pfn);
      out.push({
        pfn,
        order,
        kind: PAGE_KIND_NAMES[kind] ?? String(kind),
        gfp: po === null ? 'unknown' : gfpToString(po.gfp(pfn)),
        ts,
        age: po === null ? -1 : m.clock - ts,
        stack:
          po === null
            ? formatSite(undefined, '    ')
            : formatSite(po.allocSites?.get(pfn), '    ', po.allocSites === null ? NO_STACKS : 'none recorded'),
      });
    }
    pfn += 1 << order;
  }
  return out;
}

/**
 * `kmemleak` (`echo scan > /sys/kernel/debug/kmemleak`) — a leak check: throws `MmError` `LEAK`
 * listing every live allocation (its order, GFP flags and age; its allocation stack with
 * `pageOwnerStacks: true`) if any remain. As kmemleak does, it reports slab memory by object: each
 * `kmemCacheAlloc`/`kmalloc` object still allocated, with its address, size, cache and own
 * allocation stack — not the slab page it sits on.
 *
 * **When to use**: at the end of a test, after freeing everything the test allocated.
 *
 * **Gotchas**: it does not know what *should* still be allocated: everything live counts, including
 * objects of a cache that is still in use, and memory another part of the program
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
  const m = asMemory(mem, 'checkLeaks');
  const live = liveAllocationsOf(m);
  if (live.length === 0) return;
  // kmemleak tracks objects: a slab page is reported as the objects still allocated on it, each
  // with its own allocation site (kmem_cache_alloc()/kmalloc(), with stacks on), not as the page.
  const reports: string[] = [];
  for (const a of live) {
    const objects = a.kind === 'slab' ? slabLiveObjects(m, a.pfn) : null;
    if (objects === null || objects.length === 0) {
      reports.push(`unreferenced object pfn:${hexPfn(a.pfn)} (order ${a.order}, ${a.kind}): gfp ${a.gfp}, age ${a.age}\n  backtrace:\n${a.stack}`);
      continue;
    }
    const noSite = m.pageOwner === null ? formatSite(undefined, '    ') : formatSite(undefined, '    ', m.pageOwnerStacks ? 'none recorded' : NO_STACKS);
    for (const o of objects) {
      reports.push(
        `unreferenced object 0x${o.addr.toString(16)} (size ${o.size}, kmem_cache ${o.cache}, slab pfn:${hexPfn(a.pfn)}): gfp ${a.gfp}\n  backtrace:\n` +
          (o.site === undefined ? noSite : formatSite(o.site, '    ')),
      );
    }
  }
  const shown = reports.slice(0, 10);
  const more = reports.length > 10 ? `\n… and ${reports.length - 10} more` : '';
  throw new MmError('LEAK', `kmemleak: ${reports.length} new suspected memory leaks\n${shown.join('\n')}${more}`, live[0]!.pfn);
}
