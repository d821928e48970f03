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
import type { GfpArg } from '../types/gfp.js';
import type { Borrowed, Consumed, Live, Ownable, Owned } from '../types/ownership.js';
import type { OrderArg, Page, PageOrder } from '../types/page.js';

declare const ptdescOrder: unique symbol;

/** `struct ptdesc` — a page-table page (or block), owned by its page table. */
export interface PtDesc<Order extends number = number> extends Ownable {
  readonly [ptdescOrder]: Order;
}

/**
 * `pagetable_alloc(gfp, order)` — a page-table page, owned by the caller.
 *
 * @example
 * ```ts
 * import { createMemory, pagetableAlloc, pagetableFree, GFP_KERNEL } from 'memdesc';
 * const pt = pagetableAlloc(createMemory(), GFP_KERNEL, 0);
 * if (pt) pagetableFree(pt);
 * ```
 */
export function pagetableAlloc<Ctx extends AllocContext, G extends number, Order extends PageOrder>(
  ctx: Ctx,
  gfp: GfpArg<Ctx, G>,
  order: Order,
): Owned<PtDesc<Order>> | null;
export function pagetableAlloc<Ctx extends AllocContext, G extends number, Order extends number>(
  ctx: Ctx,
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
 * **Gotchas**: a second free is a compile error and `DOUBLE_FREE`; a borrow cannot be freed
 * (`FREE_BORROWED`).
 *
 * @example
 * ```ts
 * import { createMemory, pagetableAlloc, pagetableFree, GFP_KERNEL } from 'memdesc';
 * const pt = pagetableAlloc(createMemory(), GFP_KERNEL, 0)!;
 * pagetableFree(pt);
 * ```
 */
export function pagetableFree<P extends Owned<PtDesc> & Live>(ptdesc: P): asserts ptdesc is P & Consumed {
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
 * @example
 * ```ts
 * import { createMemory, pagetableAlloc, ptdescPage, pageToPfn, pagetableFree, GFP_KERNEL } from 'memdesc';
 * const pt = pagetableAlloc(createMemory(), GFP_KERNEL, 0)!;
 * console.log(pageToPfn(ptdescPage(pt)));
 * pagetableFree(pt);
 * ```
 */
export function ptdescPage(ptdesc: PtDesc & Live): Borrowed<Page<0, 'pgtable'>> {
  const h = ptdescHandle(ptdesc, 'ptdescPage', false);
  return new PageHandle(H.mem(h), H.head(h), H.head(h), H.gen(h), 0, Role.Borrowed, true) as unknown as Borrowed<Page<0, 'pgtable'>>;
}

/**
 * `ptdesc_address(ptdesc)` — its linear-map address.
 *
 * @example
 * ```ts
 * import { createMemory, pagetableAlloc, ptdescAddress, pagetableFree, GFP_KERNEL } from 'memdesc';
 * const pt = pagetableAlloc(createMemory(), GFP_KERNEL, 0)!;
 * console.log(ptdescAddress(pt).toString(16));
 * pagetableFree(pt);
 * ```
 */
export function ptdescAddress(ptdesc: PtDesc & Live): VirtAddr<'pgtable'> {
  const h = ptdescHandle(ptdesc, 'ptdescAddress', false);
  return (H.mem(h).linearBase + H.head(h) * PAGE_SIZE) as VirtAddr<'pgtable'>;
}

setDisposer(PageKind.PageTable, (h) => {
  if (H.role(h) === Role.Owned) freePtdesc(h, 'dispose');
});
