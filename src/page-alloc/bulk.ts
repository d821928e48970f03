/**
 * `alloc_pages_bulk()` (mm/page_alloc.c): many order-0 pages in one call, into a page array.
 *
 * @module
 */
import { MmError, describeValue, invalidArgument } from '../debug/mm-error.js';
import type { CtxArg, GfpArg } from '../types/gfp.js';
import type { Owned } from '../types/ownership.js';
import type { Page } from '../types/page.js';
import type { MsgSleepInAtomic } from '../types/messages.js';
import { allocBulk0 } from './alloc.js';
import { contextMemory } from './context.js';
import { PageHandle, Role } from './handle.js';
import { paranoidCheck } from './hooks.js';
import { PageKind } from './memmap.js';
import type { MemoryImpl } from './memory.js';
import { checkGfp } from './page-alloc.js';

/**
 * `alloc_pages_bulk(gfp, nr_pages, page_array)` — fills the empty slots (`null` or `undefined`) of
 * `pageArray[0 .. nrPages)` with order-0 pages, one call for many, and returns how many slots of
 * that range hold a page afterwards (counting from the start, as the kernel's `nr_populated`).
 * A slot that already holds a page is skipped. Each page is an ordinary `allocPage` page: free each
 * with `freePage`.
 *
 * It follows `mm/page_alloc.c`: when at least two slots are empty and a zone stays above its low
 * watermark *plus* `nrPages`, the pages come straight off the per-CPU list (refilled a batch at a
 * time) in one pass, which amortises the call — validation, the context, the clock and the
 * page_owner stack (with `pageOwnerStacks`, one for the whole call); it stops early, returning
 * fewer, when the list cannot be refilled. Otherwise (one empty slot, memory below the mark) it
 * allocates a single page the way `allocPage` does — slow path, reclaim and `page allocation
 * failure` report included — and returns. Callers loop, as the kernel's do. Fault injection
 * (`failPageAlloc`) decides once per call, and an injected failure returns without a page.
 *
 * **When to use**: many order-0 pages at once — a buffer of pages, a page array for a vmap (memdesc's
 * own `vmalloc` fills its areas with it, as `vm_area_alloc_pages()` does).
 *
 * **Gotchas**: a partly filled array is a normal result, not an error: check the count (or the
 * slots). Empty slots that stay empty hold `null` afterwards. A sleeping GFP value with an atomic
 * context is a compile error ({@link MsgSleepInAtomic}) and `SLEEP_IN_ATOMIC` at run time; an array
 * that is readonly or not of order-0 pages is a compile error ({@link MsgBulkArray}); at run time
 * `nrPages` not an integer in 0..2^24, an array that cannot be written (frozen, sealed with holes,
 * a Proxy that throws), or a slot holding anything but `null`, `undefined` or a page handle is
 * `INVALID_ARGUMENT`, and changes nothing. The types do not follow the pages into the array: a
 * page freed twice through it is `DOUBLE_FREE` at run time (the checker follows collections).
 *
 * @example
 * ```ts
 * import { createMemory, allocPagesBulk, freePage, GFP_KERNEL, type AtomicContext, type Owned, type Page } from 'memdesc';
 * const mem = createMemory();
 * const pages: (Owned<Page<0>> | null)[] = new Array(16).fill(null);
 * const n = allocPagesBulk(mem, GFP_KERNEL, 16, pages);
 * console.log(n); // 16
 * for (const p of pages) if (p) freePage(p);
 * export function refused(ctx: AtomicContext) {
 *   // @ts-expect-error — GFP_KERNEL may sleep: refused in atomic context
 *   return allocPagesBulk(ctx, GFP_KERNEL, 16, pages);
 * }
 * ```
 * @see {@link allocPage}
 * @see {@link freePage}
 */
export function allocPagesBulk<Ctx, G extends number, A>(
  ctx: CtxArg<Ctx>,
  gfp: GfpArg<Ctx, G>,
  nrPages: number,
  pageArray: BulkArrayArg<A>,
): number {
  const fn = 'allocPagesBulk';
  const g = checkGfp(gfp, fn);
  const mem = contextMemory(ctx, g, fn);
  if (typeof nrPages !== 'number' || !Number.isInteger(nrPages) || nrPages < 0 || nrPages > MAX_BULK) {
    invalidArgument(fn, `nrPages must be an integer in 0..${MAX_BULK}`, nrPages);
  }
  const slots = bulkSlots(pageArray, nrPages, fn);
  try {
    return fillBulk(mem, g, nrPages, pageArray as unknown[], slots, fn);
  } finally {
    if (slots === scratch) scratchBusy = false;
  }
}

/** allocPagesBulk once its arguments are checked and its slots read (see there). */
function fillBulk(mem: MemoryImpl, g: number, nrPages: number, arr: unknown[], slots: Int32Array, fn: string): number {
  // Skip populated array elements before doing anything (the kernel's first loop).
  let populated = 0;
  while (populated < nrPages && slots[populated] === POPULATED) populated++;
  if (populated === nrPages) return populated;
  const m = mem.map;
  mem.tick();
  const bulk = nrPages - populated > 1 ? allocBulk0(mem, g, nrPages - populated, PageKind.Bare, slots, populated) : 0;
  let end = populated;
  if (bulk < 0) {
    // Fault injection failed the call: nothing is allocated.
  } else if (bulk === 0) {
    // failed: one page from the single-page allocator (slow path, reclaim, report), then return.
    const pfn = mem.allocBlock(g, 0);
    if (pfn >= 0) {
      mem.prepBlock(pfn, 0, g, PageKind.Bare);
      slots[populated] = pfn;
      end = populated + 1;
    }
  } else {
    // The kernel's pass stops at the first slot it could not fill.
    while (end < nrPages && slots[end] !== EMPTY) end++;
  }
  let i = populated;
  try {
    for (; i < end; i++) {
      const pfn = slots[i]!;
      if (pfn >= 0) {
        arr[i] = new PageHandle(mem, pfn, pfn, m.gen[pfn]!, 0, Role.Owned);
        slots[i] = POPULATED;
      }
    }
  } catch (e) {
    // The slot took a null before any page was taken but refuses a page now (a setter or Proxy
    // that changed its mind): give back every page not yet handed over, then refuse.
    for (let j = i; j < end; j++) if (slots[j]! >= 0) mem.releaseBlock(slots[j]!, 0);
    paranoid(mem);
    invalidArgument(fn, `pageArray[${i}] could not be written (${describeValue(e)}); the pages not stored were freed`, i);
  }
  paranoid(mem);
  return end;
}

/**
 * `alloc_pages_bulk()`'s `page_array` refused — the array must be one the call can fill with
 * order-0 pages: mutable, of `Owned<Page<0>>` (and `null`/`undefined` for the empty slots).
 */
export type MsgBulkArray = 'allocPagesBulk() fills its array with order-0 pages: pass a mutable (Owned<Page<0>> | null)[]';

/**
 * `allocPagesBulk`'s `pageArray` argument: a mutable array of order-0 owned pages and empty slots,
 * or the reason it is refused ({@link MsgBulkArray}).
 */
export type BulkArrayArg<A> = A extends (Owned<Page<0>> | null | undefined)[] ? A : MsgBulkArray;

/** bulkSlots' scratch, for calls of up to SCRATCH_PAGES pages. */
const SCRATCH_PAGES = 256;
const scratch = new Int32Array(SCRATCH_PAGES);
let scratchBusy = false;

/** `allocPagesBulk`'s largest `nrPages` (2^24: 64 GiB of pages in one call). */
const MAX_BULK = 1 << 24;
/** A slot of `bulkSlots` that needs a page. */
const EMPTY = -1;
/** A slot of `bulkSlots` that already holds a page (or, once filled, has been handed over). */
const POPULATED = -2;

/**
 * Reads `pageArray[0 .. nrPages)` once, before anything changes, into an Int32Array (the scratch,
 * which the caller gives back with `doneSlots`): -1 for an empty slot, -2 for a populated one; and writes `null` into every empty slot, so that a slot that cannot be written
 * (a frozen or sealed array, a setter or Proxy that throws) is refused while nothing has been
 * allocated. Anything but an array, or a slot holding anything but `null`, `undefined` or a page
 * handle, is `INVALID_ARGUMENT`.
 */
function bulkSlots(pageArray: unknown, nrPages: number, fn: string): Int32Array {
  let array = false;
  try {
    array = Array.isArray(pageArray);
  } catch {
    // a revoked Proxy
  }
  if (!array) invalidArgument(fn, 'pageArray must be an array of pages and nulls', pageArray);
  // A scratch array, unless a call is already using it (a getter on a slot, or a shrinker the
  // single-page path runs, may call allocPagesBulk again).
  let slots: Int32Array;
  if (scratchBusy || nrPages > SCRATCH_PAGES) {
    slots = new Int32Array(nrPages);
  } else {
    slots = scratch;
    scratchBusy = true;
  }
  const arr = pageArray as unknown[];
  let i = 0;
  try {
    for (; i < nrPages; i++) {
      const v = arr[i];
      if (v === null || v === undefined) slots[i] = EMPTY;
      else if (PageHandle.is(v)) slots[i] = POPULATED;
      else invalidArgument(fn, `pageArray[${i}] must be null, undefined or a page`, v);
    }
    for (i = 0; i < nrPages; i++) if (slots[i] === EMPTY) arr[i] = null;
  } catch (e) {
    if (slots === scratch) scratchBusy = false;
    if (e instanceof MmError) throw e;
    invalidArgument(fn, `pageArray[${i}] cannot be read and written (${describeValue(e)})`, i);
  }
  return slots;
}

function paranoid(mem: MemoryImpl): void {
  if (mem.paranoid) paranoidCheck(mem);
}
