/**
 * Page-table pages (`struct ptdesc`, include/linux/mm.h and mm_types.h): a memdesc of its own, not
 * a folio. Its owner is the page table that holds it; it has no refcount to take, so a borrow of
 * its page (`ptdescPage`) cannot be counted with `getPage`.
 *
 * @module
 */
import { MmError, hexPfn } from '../debug/mm-error.js';
import { verifyMemoryImpl } from '../debug/verify.js';
import { PAGE_SIZE } from '../page-alloc/constants.js';
import { H, PageHandle, Role, checkHandle, setDisposer } from '../page-alloc/handle.js';
import { PageKind, PAGE_KIND_NAMES } from '../page-alloc/memmap.js';
import { badFreeReason, checkGfp, checkOrder, type AllocContext } from '../page-alloc/page-alloc.js';
import { contextMemory } from '../sync/spinlock.js';
import type { VirtAddr } from '../types/address.js';
import type { CtxArg, GfpArg } from '../types/gfp.js';
import type { MsgNotPtdesc, MsgPagetableFree } from '../types/messages.js';
import type { Borrowed, Checked, Consumed, HandleRefusal, Live, Unconsumed, MemdescKindMark, Ownable, Owned } from '../types/ownership.js';
import type { Expected, OrderArg, Page } from '../types/page.js';

declare const ptdescOrder: unique symbol;

/**
 * `struct ptdesc` — a page-table page (or block), a memdesc of its own: owned by the page table
 * that holds it (`Owned<PtDesc>`), with no refcount to take.
 *
 * **When to use**: to model page-table pages (`pte_alloc_one()`, `pmd_alloc_one()`), which must
 * never be counted with `get_page` or freed as bare pages.
 *
 * **Gotchas**: its page is a borrow that `getPage` refuses (compile error, `NOT_REFCOUNTED`);
 * `freePages` on it is a compile error and `BAD_PAGE_STATE` (free it with `pagetableFree`).
 *
 * @example
 * ```ts
 * import { createMemory, pagetableAlloc, pagetableFree, ptdescAddress, writeRaw, GFP_KERNEL, type Owned, type PtDesc } from 'memdesc';
 * const mem = createMemory();
 * const pte: Owned<PtDesc<0>> = pagetableAlloc(mem, GFP_KERNEL, 0)!;
 * writeRaw(ptdescAddress(pte), new Uint8Array(8), 0); // one empty PTE
 * pagetableFree(pte);
 * ```
 * @see {@link pagetableAlloc}
 */
export interface PtDesc<Order extends number = number> extends Ownable, MemdescKindMark<'struct ptdesc'> {
  /** Phantom: the order of the page-table block. */
  readonly [ptdescOrder]: Order;
}

/**
 * A ptdesc parameter of kernel function `Fn` (`ptdesc_page()`, `ptdesc_address()`) — any live
 * ptdesc handle, or the sentence that refuses the argument ({@link MsgNotPtdesc}; a handle that may
 * be `null` or is consumed).
 */
export type PtdescArg<P, Fn extends string> = Checked<P> extends Checked<PtDesc & Live> ? P : NoInfer<HandleRefusal<Fn, P, MsgNotPtdesc<Fn>> | Expected<PtDesc & Unconsumed, P>>;

/**
 * `pagetable_free()`'s argument — the live `Owned` ptdesc `pagetableAlloc()` returned, or the
 * sentence that refuses anything else ({@link MsgPagetableFree}).
 */
export type PagetableFreeArg<P> = Checked<P> extends Checked<Owned<PtDesc> & Live>
  ? P
  : NoInfer<HandleRefusal<'pagetable_free()', P, MsgPagetableFree> | Expected<Owned<PtDesc> & Unconsumed, P>>;

/**
 * `pagetable_alloc(gfp, order)` — a page-table page, owned by the caller.
 *
 * **When to use**: for each page-table page your simulated page-table code needs.
 *
 * **Gotchas**: `null` on failure; a literal order outside 0..10 is a compile error and
 * `INVALID_ARGUMENT` at run time; a sleeping GFP value in atomic context is a compile error
 * (`SLEEP_IN_ATOMIC`).
 *
 * @example
 * ```ts
 * import { createMemory, pagetableAlloc, pagetableFree, GFP_KERNEL } from 'memdesc';
 * const pt = pagetableAlloc(createMemory(), GFP_KERNEL, 0);
 * if (pt) pagetableFree(pt);
 * ```
 * @see {@link pagetableFree}
 */
export function pagetableAlloc<Ctx, G extends number, Order extends number>(
  ctx: CtxArg<Ctx>,
  gfp: GfpArg<Ctx, G>,
  order: OrderArg<Order>,
): Owned<PtDesc<Order>> | null;
export function pagetableAlloc(ctx: AllocContext, gfp: number, order: number): Owned<PtDesc> | null {
  const fn = 'pagetableAlloc';
  const g = checkGfp(gfp, fn);
  const mem = contextMemory(ctx, g, fn);
  const o = checkOrder(order, fn);
  mem.tick();
  const pfn = mem.allocBlock(g, o);
  if (pfn < 0) return null;
  mem.prepBlock(pfn, o, g, PageKind.PageTable);
  if (mem.paranoid) verifyMemoryImpl(mem);
  return new PageHandle(mem, pfn, pfn, mem.map.gen[pfn]!, o, Role.Owned) as unknown as Owned<PtDesc>;
}

function ptdescHandle(x: unknown, fn: string, freeing: boolean): PageHandle {
  const h = checkHandle(x, fn, freeing);
  const mem = H.mem(h);
  const kind = mem.map.kind[H.head(h)]!;
  if (kind !== PageKind.PageTable || H.pfn(h) !== H.head(h) || H.pageView(h)) {
    throw new MmError('INVALID_ARGUMENT', `${fn}(): pfn:${hexPfn(H.pfn(h))} is a ${PAGE_KIND_NAMES[kind]} page, not a ptdesc`, H.pfn(h));
  }
  return h;
}

/**
 * `pagetable_free(ptdesc)` — gives a page-table page back; consumes it.
 *
 * **When to use**: when the page table that owns the page is torn down.
 *
 * **Gotchas**: a second free is a compile error and `DOUBLE_FREE`; a borrow cannot be freed
 * (compile error, `FREE_BORROWED`); a page that is not a ptdesc is `INVALID_ARGUMENT`; a page still
 * mapped by `withPageMapped` is `BAD_PAGE_STATE`.
 *
 * @example
 * ```ts
 * import { createMemory, pagetableAlloc, pagetableFree, GFP_KERNEL } from 'memdesc';
 * const pt = pagetableAlloc(createMemory(), GFP_KERNEL, 0)!;
 * pagetableFree(pt);
 * ```
 * @see {@link pagetableAlloc}
 */
export function pagetableFree<P>(ptdesc: PagetableFreeArg<P>): asserts ptdesc is PagetableFreeArg<P> & Consumed {
  freePtdesc(ptdesc, 'pagetableFree');
}

function freePtdesc(ptdesc: unknown, fn: string): void {
  const any = checkHandle(ptdesc, fn, true);
  if (H.role(any) !== Role.Owned && H.mem(any).map.kind[H.head(any)] === PageKind.PageTable) {
    const head = H.head(any);
    throw new MmError('FREE_BORROWED', `BUG: ${fn}(): pfn:${hexPfn(head)}: only the page table that owns a ptdesc may free it`, head);
  }
  const h = ptdescHandle(ptdesc, fn, true);
  const mem = H.mem(h);
  const head = H.head(h);
  const bad = badFreeReason(mem, head);
  if (bad !== null) throw mem.badPage(head, bad);
  H.kill(h);
  mem.tick();
  mem.releaseBlock(head, H.order(h));
  if (mem.paranoid) verifyMemoryImpl(mem);
}

/**
 * `ptdesc_page(ptdesc)` — the page behind a ptdesc, as a borrow (`getPage` refuses it).
 *
 * **When to use**: to hand the page to code that takes a `struct page` (`pageToPfn`, `readRaw`,
 * `withPageMapped`).
 *
 * **Gotchas**: `getPage` on it is a compile error and `NOT_REFCOUNTED`; freeing it is a compile
 * error and `FREE_BORROWED`. It goes stale when the ptdesc is freed.
 *
 * @example
 * ```ts
 * import { createMemory, pagetableAlloc, ptdescPage, pageToPfn, pagetableFree, GFP_KERNEL } from 'memdesc';
 * const pt = pagetableAlloc(createMemory(), GFP_KERNEL, 0)!;
 * console.log(pageToPfn(ptdescPage(pt)));
 * pagetableFree(pt);
 * ```
 */
export function ptdescPage<P>(ptdesc: PtdescArg<P, 'ptdesc_page()'>): Borrowed<Page<0, 'pgtable'>> {
  const h = ptdescHandle(ptdesc, 'ptdescPage', false);
  return new PageHandle(H.mem(h), H.head(h), H.head(h), H.gen(h), 0, Role.Borrowed, true) as unknown as Borrowed<Page<0, 'pgtable'>>;
}

/**
 * `ptdesc_address(ptdesc)` — its linear-map address, remembering the `'pgtable'` owner.
 *
 * **When to use**: to read and write page-table entries with `readRaw`/`writeRaw`.
 *
 * **Gotchas**: a freed ptdesc is a compile error and `USE_AFTER_FREE`; `virtToPage` of the address
 * gives a borrow that `getPage` refuses.
 *
 * @example
 * ```ts
 * import { createMemory, pagetableAlloc, ptdescAddress, pagetableFree, GFP_KERNEL } from 'memdesc';
 * const pt = pagetableAlloc(createMemory(), GFP_KERNEL, 0)!;
 * console.log(ptdescAddress(pt).toString(16));
 * pagetableFree(pt);
 * ```
 */
export function ptdescAddress<P>(ptdesc: PtdescArg<P, 'ptdesc_address()'>): VirtAddr<'pgtable'> {
  const h = ptdescHandle(ptdesc, 'ptdescAddress', false);
  return (H.mem(h).linearBase + H.head(h) * PAGE_SIZE) as VirtAddr<'pgtable'>;
}

/**
 * `page_ptdesc(page)` — the page-table descriptor a page belongs to, as a borrow, or `null` when
 * the page is not part of a page table. In the memdesc world the answer comes from the page's
 * memdesc, so it is `null` for a folio page, a slab page or a bare page, never a bogus cast.
 *
 * **When to use**: to walk page tables: read an entry from a table page (`readRaw` on
 * `ptdescAddress`), take its pfn, and `pagePtdesc(pfnToPage(mem, pfn))` is the next-level table —
 * or `null` at a leaf, where the entry names a data page.
 *
 * **Gotchas**: the result is a borrow: `pagetableFree` of it is a compile error and
 * `FREE_BORROWED` (only the page table that owns the ptdesc frees it). It goes stale when the owner
 * frees the table; a consumed page is a compile error, a stale one `USE_AFTER_FREE` — including the
 * borrow `pfnToPage` gives for a free pfn, so an entry that still points at a freed table is
 * reported, not followed. Any page of the table will do, the head or not.
 *
 * @example
 * ```ts
 * import { createMemory, pagetableAlloc, pagetableFree, ptdescPage, ptdescAddress, pagePtdesc, pfnToPage, pageToPfn, GFP_KERNEL } from 'memdesc';
 * const mem = createMemory();
 * const pte = pagetableAlloc(mem, GFP_KERNEL, 0)!;
 * const pfn = pageToPfn(ptdescPage(pte)); // what a PMD entry would hold
 * const table = pagePtdesc(pfnToPage(mem, pfn)); // Borrowed<PtDesc> | null
 * console.log(table !== null && ptdescAddress(table) === ptdescAddress(pte)); // true
 * export function refused() {
 *   // @ts-expect-error — a borrow of a ptdesc cannot free it
 *   if (table) pagetableFree(table);
 * }
 * pagetableFree(pte);
 * ```
 * @see {@link ptdescPage}
 * @see {@link pagetableFree}
 */
export function pagePtdesc(page: Page & Live): Borrowed<PtDesc> | null {
  const h = checkHandle(page, 'pagePtdesc', false);
  const mem = H.mem(h);
  const head = H.head(h);
  if (mem.map.kind[head] !== PageKind.PageTable) return null;
  return new PageHandle(mem, head, head, mem.map.gen[head]!, mem.map.order[head]!, Role.Borrowed) as unknown as Borrowed<PtDesc>;
}

setDisposer(PageKind.PageTable, (h) => {
  if (H.role(h) === Role.Owned) freePtdesc(h, 'dispose');
});
