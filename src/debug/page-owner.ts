/**
 * `page_owner` (mm/page_owner.c) — remembers who allocated each block and when it was last freed,
 * so reports can say where a page came from. It imports nothing from the allocator: the page
 * allocator (`src/page-alloc/alloc.ts`) records into it, the reports format from it.
 *
 * What it keeps, per head pfn, in one Float64Array (24 bytes a page, touched only where blocks are
 * allocated): the order, the GFP flags and the clock at allocation, the clock at the last free. The task is
 * the machine's (`current->comm`), so it is not stored. Stack traces are opt-in
 * (`createMemory({ pageOwnerStacks: true })`, the kernel's `page_owner=on` stack depot): V8 needs
 * 1.5–10 µs to capture one — ten to a hundred times an allocation — so by default reports name
 * the block, its order, GFP flags and timestamps, not the call stack.
 *
 * @module
 */

/**
 * Where each field of a pfn's record sits in {@link PageOwner.rec} (`rec[REC * pfn + field]`): one
 * Float64Array, so recording an allocation is two stores into one array, a free one store.
 */
export const REC = 3;
/** `page_owner->ts_nsec`: the clock (one tick per allocator call) at the last allocation; 0: never. */
export const REC_ALLOC_TS = 0;
/** `page_owner->free_ts_nsec`: the clock at the last free; 0: never. */
export const REC_FREE_TS = 1;
/** `page_owner->gfp_mask` + `order << 24` of the last allocation (GFP bits stay below 2^24). */
export const REC_GFP_ORDER = 2;
/** The multiplier of the order in {@link REC_GFP_ORDER}. */
export const ORDER_UNIT = 2 ** 24;

/** What page_owner knows about each block (by its head pfn). */
export class PageOwner {
  /** The records: {@link REC} doubles per pfn, see {@link REC_ALLOC_TS} and its neighbours. */
  readonly rec: Float64Array;
  /** The stack of each head pfn's last allocation (`pageOwnerStacks: true`), else null. */
  readonly allocSites: Map<number, Error> | null;
  /** The stack of each head pfn's last free (`pageOwnerStacks: true`), else null. */
  readonly freeSites: Map<number, Error> | null;

  constructor(nrPages: number, stacks: boolean) {
    this.rec = new Float64Array(REC * nrPages);
    this.allocSites = stacks ? new Map() : null;
    this.freeSites = stacks ? new Map() : null;
  }

  /** The clock at `pfn`'s last allocation (0: never allocated). */
  allocTs(pfn: number): number {
    return this.rec[REC * pfn + REC_ALLOC_TS]!;
  }

  /** The clock at `pfn`'s last free (0: never freed). */
  freeTs(pfn: number): number {
    return this.rec[REC * pfn + REC_FREE_TS]!;
  }

  /** The GFP flags of `pfn`'s last allocation. */
  gfp(pfn: number): number {
    return this.rec[REC * pfn + REC_GFP_ORDER]! % ORDER_UNIT;
  }

  /** The order of `pfn`'s last allocation. */
  order(pfn: number): number {
    return Math.floor(this.rec[REC * pfn + REC_GFP_ORDER]! / ORDER_UNIT);
  }
}

/** Frames of memdesc itself are noise in a user's report: drop them. */
const INTERNAL_FRAME = /[\\/](?:src|dist)[\\/](?:page-alloc|debug|proc|types|folio|slab|vmalloc|reclaim|memdesc|pgtable|sync|index)[\\/.]/;

/** The call stack of an allocation or free site, without memdesc's own frames. */
export function formatSite(site: Error | undefined, indent = ' ', why = 'page_owner is off'): string {
  if (site === undefined || typeof site.stack !== 'string') return `${indent}(no stack: ${why})`;
  const frames = site.stack
    .split('\n')
    .slice(1)
    .map((l) => l.trim())
    .filter((l) => l.startsWith('at ') && !INTERNAL_FRAME.test(l) && !l.includes('node:internal') && !l.includes('node_modules'));
  if (frames.length === 0) return `${indent}(no user frames)`;
  return frames
    .slice(0, 8)
    .map((f) => indent + f.slice(3))
    .join('\n');
}

/** Why a report has no stack, when page_owner records but stacks are off. */
export const NO_STACKS = 'createMemory({ pageOwnerStacks: true }) records one';

/**
 * `__dump_page_owner()` — the page_owner lines of head `pfn`: its last allocation (order, GFP flags
 * as `gfpText`, task, timestamp) with its stack if recorded, then its last free; or null when
 * page_owner never saw the pfn allocated (the kernel's "page_owner info is not present").
 */
export function formatOwnerAt(po: PageOwner, pfn: number, gfpText: string, comm: string): string | null {
  const ts = po.allocTs(pfn);
  if (ts === 0) return null;
  const freeTs = po.freeTs(pfn);
  let s =
    `page last allocated via order ${po.order(pfn)}, gfp_mask 0x${po.gfp(pfn).toString(16)}(${gfpText}), ` +
    `comm ${comm}, ts ${ts}${freeTs > 0 ? `, free_ts ${freeTs}` : ''}\n` +
    formatSite(po.allocSites?.get(pfn), ' ', po.allocSites === null ? NO_STACKS : 'none recorded');
  if (freeTs > 0) s += `\npage last free ts ${freeTs}, stack:\n` + formatSite(po.freeSites?.get(pfn), ' ', po.freeSites === null ? NO_STACKS : 'none recorded');
  return s;
}

/** Captures the current stack (V8 formats it only when a report reads it). */
export function captureSite(): Error {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 16;
  const e = new Error('page_owner');
  Error.stackTraceLimit = limit;
  return e;
}
