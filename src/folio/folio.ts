/**
 * Folios (include/linux/mm.h, mm/folio-compat.c, mm/swap.c): the refcounted memdesc. A folio is
 * a compound block of 2^order pages with one reference count and one mapcount, kept on its head
 * page; `getPage` on any of its pages moves the folio's count, and the last put frees the whole
 * block. Folios are `AlwaysRefCounted`: a reference may be taken from any borrow.
 *
 * @module
 */
import { MmError, hexPfn, invalidArgument } from '../debug/mm-error.js';
import { verifyMemoryImpl } from '../debug/verify.js';
import { PAGE_SIZE } from '../page-alloc/constants.js';
import { __GFP_COMP } from '../page-alloc/gfp.js';
import { H, PageHandle, Role, checkHandle, setDisposer } from '../page-alloc/handle.js';
import { PageFlag, PageKind, PAGE_KIND_NAMES } from '../page-alloc/memmap.js';
import type { MemoryImpl } from '../page-alloc/memory.js';
import { badFreeReason, checkGfp, checkOrder, type AllocContext } from '../page-alloc/page-alloc.js';
import { contextMemory } from '../sync/spinlock.js';
import type { VirtAddr } from '../types/address.js';
import type { CtxArg, GfpArg } from '../types/gfp.js';
import type { ARef, Borrowed, Consumed } from '../types/ownership.js';
import type { OrderArg, PageArg, Pfn } from '../types/page.js';
import type {
  Folio,
  FolioArg,
  FolioIndexArg,
  FolioOrderOf,
  FolioPage,
  FolioPageOrderOf,
  FolioPutArg,
  FolioUnlockArg,
  GetPageArg,
  LockedFolio,
} from './folio-types.js';

export type * from './folio-types.js';

function paranoid(mem: MemoryImpl): void {
  if (mem.paranoid) verifyMemoryImpl(mem);
}

/** A live folio handle of any role (ARef, borrow, lock guard), or throws. */
function folioHandle(x: unknown, fn: string): PageHandle {
  const h = checkHandle(x, fn, false);
  const mem = H.mem(h);
  if (mem.map.kind[H.head(h)] !== PageKind.Folio || H.pfn(h) !== H.head(h) || H.pageView(h)) {
    throw new MmError('INVALID_ARGUMENT', `${fn}(): pfn:${hexPfn(H.pfn(h))} is not a folio handle (it is a page; use pageFolio())`, H.pfn(h));
  }
  return h;
}

/**
 * `folio_alloc(gfp, order)` — allocates a folio of 2^order pages with a reference count of 1, and
 * returns that reference.
 *
 * **When to use**: memory that several holders share and that must live until the last lets go
 * (page cache, anonymous memory, Binder pages if they were folios).
 *
 * **Gotchas**: `null` on failure; an order outside 0..10 is a compile error (`INVALID_ARGUMENT` at
 * run time); a sleeping GFP value in atomic context is a compile error (`SLEEP_IN_ATOMIC`).
 *
 * @example
 * ```ts
 * import { createMemory, folioAlloc, folioPut, folioRefCount, GFP_KERNEL } from 'memdesc';
 * const mem = createMemory();
 * const folio = folioAlloc(mem, GFP_KERNEL, 2);
 * if (folio) {
 *   console.log(folioRefCount(folio)); // 1
 *   folioPut(folio); // the last reference: the 4 pages go back to the buddy allocator
 * }
 * ```
 * @see {@link folioPut}
 * @see {@link Folio}
 */
export function folioAlloc<Ctx, G extends number, Order extends number>(
  ctx: CtxArg<Ctx>,
  gfp: GfpArg<Ctx, G>,
  order: OrderArg<Order>,
): ARef<Folio<Order>> | null;
export function folioAlloc(ctx: AllocContext, gfp: number, order: number): ARef<Folio> | null {
  const g = checkGfp(gfp, 'folioAlloc');
  const mem = contextMemory(ctx, g, 'folioAlloc');
  const o = checkOrder(order, 'folioAlloc');
  mem.tick();
  const pfn = mem.allocBlock(g | __GFP_COMP, o);
  if (pfn < 0) return null;
  mem.prepBlock(pfn, o, g | __GFP_COMP, PageKind.Folio);
  mem.map.u0[pfn] = 1; // folio->_refcount
  paranoid(mem);
  return new PageHandle(mem, pfn, pfn, mem.map.gen[pfn]!, o, Role.Shared) as unknown as ARef<Folio>;
}

/** Takes one more reference on the folio headed at `head` and returns it as a new ARef handle. */
function takeRef(mem: MemoryImpl, head: number): PageHandle {
  mem.map.u0[head]!++;
  return new PageHandle(mem, head, head, mem.map.gen[head]!, mem.map.order[head]!, Role.Shared);
}

/**
 * `folio_get(folio)` — takes another reference. Folios are AlwaysRefCounted, so any live view
 * will do: an ARef, a borrow from `pageFolio`, or a lock guard.
 *
 * **When to use**: when a second holder (a cache, a pending I/O, another task) keeps the folio
 * alive independently of the first; each holder puts its own reference.
 *
 * **Gotchas**: a handle already put is a compile error in the same function and `USE_AFTER_FREE` at
 * run time; a page handle (rather than the folio) is a compile error and `INVALID_ARGUMENT` (use
 * `pageFolio` or `getPage`). From a borrow whose folio may already be gone, use `folioTryGet`.
 *
 * @example
 * ```ts
 * import { createMemory, folioAlloc, folioGet, folioPut, GFP_KERNEL } from 'memdesc';
 * const mem = createMemory();
 * const a = folioAlloc(mem, GFP_KERNEL, 0)!;
 * const b = folioGet(a); // refcount 2
 * folioPut(a);
 * folioPut(b); // freed here
 * ```
 * @see {@link folioTryGet}
 * @see {@link folioPut}
 */
export function folioGet<F>(folio: FolioArg<F, 'folio_get()'>): ARef<Folio<FolioOrderOf<F>>> {
  const h = folioHandle(folio, 'folioGet');
  const mem = H.mem(h);
  mem.tick();
  return takeRef(mem, H.head(h)) as unknown as ARef<Folio<FolioOrderOf<F>>>;
}

/**
 * `folio_try_get(folio)` — takes a reference unless the folio's count has reached zero (it was
 * freed since this borrow was made): then `null`.
 *
 * **When to use**: speculative lookups through a borrow (as the page cache does under RCU), where
 * the folio may have been freed since the borrow was taken.
 *
 * **Gotchas**: `null` also when the pages were reused since (the borrow's generation no longer
 * matches). A handle that was itself put is `USE_AFTER_FREE`; a live handle that is not a folio (a
 * page handle, a folio page) `INVALID_ARGUMENT`, as for `folioGet`; a copied object
 * `FOREIGN_HANDLE`.
 *
 * @example
 * ```ts
 * import { createMemory, folioAlloc, folioTryGet, folioPut, pageFolio, folioPage, GFP_KERNEL } from 'memdesc';
 * const mem = createMemory();
 * const ref = folioAlloc(mem, GFP_KERNEL, 0)!;
 * const view = pageFolio(folioPage(ref, 0))!;
 * folioPut(ref);                   // count reaches zero: freed
 * console.log(folioTryGet(view));  // null
 * ```
 * @see {@link folioGet}
 */
export function folioTryGet<F>(folio: FolioArg<F, 'folio_try_get()'>): ARef<Folio<FolioOrderOf<F>>> | null {
  if (!H.is(folio)) checkHandle(folio, 'folioTryGet', false); // throws FOREIGN_HANDLE
  const h = folio as unknown as PageHandle;
  const mem = H.mem(h);
  const head = H.head(h);
  if (mem.map.gen[head] !== H.gen(h)) return null; // freed: its count reached zero
  // A handle that was itself put: USE_AFTER_FREE; a live handle that is not a folio (a page, a
  // folio page): INVALID_ARGUMENT, as folioGet says.
  folioHandle(h, 'folioTryGet');
  if (mem.map.u0[head]! <= 0) return null;
  mem.tick();
  return takeRef(mem, head) as unknown as ARef<Folio<FolioOrderOf<F>>>;
}

/** The put of `folio_put` / `put_page`: validates, then drops one reference (freeing on the last). */
function putRef(ref: unknown, fn: string): void {
  const h = checkHandle(ref, fn, true);
  const mem = H.mem(h);
  const head = H.head(h);
  const m = mem.map;
  const kind = m.kind[head]!;
  if (kind !== PageKind.Folio) {
    const msg = `BUG: ${fn}(): pfn:${hexPfn(H.pfn(h))} belongs to a ${PAGE_KIND_NAMES[kind]} memdesc, which has no refcount`;
    mem.logOnly(msg);
    throw new MmError('NOT_REFCOUNTED', msg, H.pfn(h));
  }
  if (H.role(h) !== Role.Shared) {
    const what = H.role(h) === Role.Locked ? 'a lock guard' : 'a borrow';
    const msg =
      `BUG: ${fn}(): pfn:${hexPfn(head)} put through ${what}, which holds no reference: ` +
      `the folio's count (${m.u0[head]}) would drop below the references actually held (page_ref_dec underflow)`;
    mem.logOnly(msg);
    throw new MmError('REFCOUNT_UNDERFLOW', msg, head);
  }
  const count = m.u0[head]!;
  if (count <= 0) {
    const msg = `BUG: ${fn}(): pfn:${hexPfn(head)} refcount ${count} would go negative (page_ref_dec underflow)`;
    mem.logOnly(msg);
    throw new MmError('REFCOUNT_UNDERFLOW', msg, head);
  }
  if (count === 1) {
    const bad = badFreeReason(mem, head);
    if (bad !== null) throw mem.badPage(head, bad);
  }
  H.kill(h);
  mem.tick();
  if (count === 1) {
    m.u0[head] = 0;
    mem.releaseBlock(head, m.order[head]!);
  } else {
    m.u0[head] = count - 1;
  }
  paranoid(mem);
}

/**
 * `folio_put(folio)` — gives back one reference; the last one frees the whole folio to the buddy
 * allocator. Consumes the handle.
 *
 * **When to use**: once for every reference you hold (`folioAlloc`, `folioGet`, `folioTryGet`),
 * when you are done with it; or declare the reference with `using` and let the scope put it.
 *
 * **Gotchas**: at compile time a second put, a put through a borrow or a lock guard, and a
 * `freePages` of a folio are refused. At run time a second put of the same handle is
 * `DOUBLE_FREE`; a put through a borrow or lock guard (which holds no reference) is
 * `REFCOUNT_UNDERFLOW`; the last put of a folio that is still mapped (mapcount > 0), locked or
 * kmapped is `BAD_PAGE_STATE` and changes nothing.
 *
 * @example
 * ```ts
 * import { createMemory, folioAlloc, folioPut, GFP_KERNEL } from 'memdesc';
 * const folio = folioAlloc(createMemory(), GFP_KERNEL, 0)!;
 * folioPut(folio);
 * ```
 * @see {@link folioGet}
 * @see {@link putPage}
 */
export function folioPut<R>(ref: FolioPutArg<R, 'folio_put()'>): asserts ref is FolioPutArg<R, 'folio_put()'> & Consumed {
  putRef(ref, 'folioPut');
}

/**
 * `get_page(page)` — takes a reference on the folio a page belongs to. Only a page *known* to
 * belong to a folio may be counted: a slab, vmalloc, page-table, bare or unknown page has no
 * refcount (the kernel WARNs on `get_page()` of a slab page since 6.14; a 2026 xen-netfront bug was
 * exactly `get_page(virt_to_page(kmalloc'd buffer))`).
 *
 * **When to use**: when you hold a page (from `folioPage`, or `virtToPage` of a folio's address)
 * and need the memory to outlive your borrow; prefer `folioGet` when you have the folio.
 *
 * **Gotchas**: refused at compile time with a sentence naming the owner ({@link MsgGetPage}); at
 * run time `NOT_REFCOUNTED`. The page must be a *known* folio page: `Page<0>` of unknown owner is
 * refused too, even if it is a folio page at run time — get it through `pageFolio` instead.
 *
 * @example
 * ```ts
 * import { createMemory, folioAlloc, folioPage, getPage, putPage, folioPut, kmalloc, kfree, virtToPage, GFP_KERNEL } from 'memdesc';
 * const mem = createMemory();
 * const folio = folioAlloc(mem, GFP_KERNEL, 1)!;
 * const ref = getPage(folioPage(folio, 1)); // the folio's count: 2
 * putPage(ref);
 * folioPut(folio);
 * const buf = kmalloc(mem, 64, GFP_KERNEL)!;
 * export function refused() {
 *   // @ts-expect-error — get_page(): a slab page has no refcount
 *   return getPage(virtToPage(buf));
 * }
 * kfree(buf);
 * ```
 * @see {@link putPage}
 * @see {@link pageFolio}
 */
export function getPage<P>(page: GetPageArg<P>): ARef<Folio<FolioPageOrderOf<P>>> {
  const h = checkHandle(page, 'getPage', false);
  const mem = H.mem(h);
  const head = H.head(h);
  const kind = mem.map.kind[head]!;
  if (kind !== PageKind.Folio) {
    const why =
      kind === PageKind.Slab
        ? "a slab page has no refcount; take a reference on the object's owner instead"
        : `a ${PAGE_KIND_NAMES[kind]} page has no refcount; only folio pages can be counted`;
    const msg = `WARNING: get_page() on pfn:${hexPfn(H.pfn(h))}: ${why}`;
    mem.logOnly(msg);
    throw new MmError('NOT_REFCOUNTED', msg, H.pfn(h));
  }
  mem.tick();
  return takeRef(mem, head) as unknown as ARef<Folio<FolioPageOrderOf<P>>>;
}

/**
 * `put_page(page)` — gives back a reference taken with `getPage`. Consumes it.
 *
 * **When to use**: to drop a reference from `getPage`; it is the same operation as `folioPut`
 * (the reference is on the folio), named for symmetry with the C.
 *
 * **Gotchas**: as `folioPut`: a second put is `DOUBLE_FREE`; a page borrow (from `folioPage` or
 * `virtToPage`) is a compile error and `REFCOUNT_UNDERFLOW`; a page of another memdesc is
 * `NOT_REFCOUNTED`.
 *
 * @example
 * ```ts
 * import { createMemory, folioAlloc, folioPage, getPage, putPage, folioPut, GFP_KERNEL } from 'memdesc';
 * const folio = folioAlloc(createMemory(), GFP_KERNEL, 0)!;
 * const ref = getPage(folioPage(folio, 0));
 * putPage(ref);
 * folioPut(folio);
 * ```
 * @see {@link getPage}
 */
export function putPage<R>(ref: FolioPutArg<R, 'put_page()'>): asserts ref is FolioPutArg<R, 'put_page()'> & Consumed {
  putRef(ref, 'putPage');
}

/**
 * `folio_ref_count(folio)` — the folio's reference count.
 *
 * **When to use**: in tests and assertions; correct code never decides what to do from the count
 * (another holder may change it the next moment).
 *
 * **Gotchas**: a put handle is a compile error and `USE_AFTER_FREE`; a page handle is
 * `INVALID_ARGUMENT` (ask `pageFolio` first).
 *
 * @example
 * ```ts
 * import { createMemory, folioAlloc, folioRefCount, folioPut, GFP_KERNEL } from 'memdesc';
 * const f = folioAlloc(createMemory(), GFP_KERNEL, 0)!;
 * console.log(folioRefCount(f)); // 1
 * folioPut(f);
 * ```
 */
export function folioRefCount<F>(folio: FolioArg<F, 'folio_ref_count()'>): number {
  const h = folioHandle(folio, 'folioRefCount');
  return H.mem(h).map.u0[H.head(h)]!;
}

/**
 * `folio_order(folio)` — the folio's order; a literal type when the allocation's order was one.
 *
 * **When to use**: to size loops over the folio's pages or compute its span; `folioNrPages` and
 * `folioSize` derive from it.
 *
 * **Gotchas**: any live folio handle will do; a put one is `USE_AFTER_FREE`.
 *
 * @example
 * ```ts
 * import { createMemory, folioAlloc, folioOrder, folioPut, GFP_KERNEL } from 'memdesc';
 * const f = folioAlloc(createMemory(), GFP_KERNEL, 3)!;
 * console.log(folioOrder(f)); // 3
 * folioPut(f);
 * ```
 */
export function folioOrder<F>(folio: FolioArg<F, 'folio_order()'>): FolioOrderOf<F> {
  return H.order(folioHandle(folio, 'folioOrder')) as FolioOrderOf<F>;
}

/**
 * `folio_nr_pages(folio)` — 2^order, the number of pages in the folio.
 *
 * **When to use**: to iterate over `folioPage(folio, i)` for `i < folioNrPages(folio)`.
 *
 * **Gotchas**: as {@link folioOrder}.
 *
 * @example
 * ```ts
 * import { createMemory, folioAlloc, folioNrPages, folioPut, GFP_KERNEL } from 'memdesc';
 * const f = folioAlloc(createMemory(), GFP_KERNEL, 3)!;
 * console.log(folioNrPages(f)); // 8
 * folioPut(f);
 * ```
 */
export function folioNrPages<F>(folio: FolioArg<F, 'folio_nr_pages()'>): number {
  return 1 << H.order(folioHandle(folio, 'folioNrPages'));
}

/**
 * `folio_size(folio)` — the folio's size in bytes, `PAGE_SIZE << order`.
 *
 * **When to use**: as the bound of `readRaw`/`writeRaw` offsets through the folio (or its lock
 * guard).
 *
 * **Gotchas**: as {@link folioOrder}.
 *
 * @example
 * ```ts
 * import { createMemory, folioAlloc, folioSize, folioPut, GFP_KERNEL } from 'memdesc';
 * const f = folioAlloc(createMemory(), GFP_KERNEL, 1)!;
 * console.log(folioSize(f)); // 8192
 * folioPut(f);
 * ```
 */
export function folioSize<F>(folio: FolioArg<F, 'folio_size()'>): number {
  return PAGE_SIZE << H.order(folioHandle(folio, 'folioSize'));
}

/**
 * `folio_pfn(folio)` — the head page's frame number.
 *
 * **When to use**: to identify the folio in logs or compare it with `pageToPfn` of its pages.
 *
 * **Gotchas**: as {@link folioOrder}.
 *
 * @example
 * ```ts
 * import { createMemory, folioAlloc, folioPfn, folioPut, GFP_KERNEL } from 'memdesc';
 * const f = folioAlloc(createMemory(), GFP_KERNEL, 0)!;
 * console.log(folioPfn(f));
 * folioPut(f);
 * ```
 */
export function folioPfn<F>(folio: FolioArg<F, 'folio_pfn()'>): Pfn {
  return H.head(folioHandle(folio, 'folioPfn')) as Pfn;
}

/**
 * `folio_address(folio)` — the folio's linear-map address; `virtToPage` of it gives a borrowed
 * folio page, which `getPage` accepts.
 *
 * **When to use**: to hand the folio's memory to code that works on addresses (`readRaw`, a
 * simulated DMA), keeping its provenance.
 *
 * **Gotchas**: writes through the address need the folio lock: `writeRaw(folioAddress(f), …)` is a
 * compile error and `BAD_PAGE_STATE` (write through the `LockedFolio`). The address outlives the
 * folio as a number: after the last put, using it is `USE_AFTER_FREE` at run time.
 *
 * @example
 * ```ts
 * import { createMemory, folioAlloc, folioAddress, virtToPage, getPage, putPage, folioPut, GFP_KERNEL } from 'memdesc';
 * const f = folioAlloc(createMemory(), GFP_KERNEL, 0)!;
 * const ref = getPage(virtToPage(folioAddress(f)));
 * putPage(ref);
 * folioPut(f);
 * ```
 */
export function folioAddress<F>(folio: FolioArg<F, 'folio_address()'>): VirtAddr<'folio'> {
  const h = folioHandle(folio, 'folioAddress');
  return (H.mem(h).linearBase + H.head(h) * PAGE_SIZE) as VirtAddr<'folio'>;
}

/**
 * `folio_page(folio, n)` — a borrow of the folio's n-th page.
 *
 * **When to use**: to read one page of a large folio, or to take a reference from a page with
 * `getPage`.
 *
 * **Gotchas**: a literal `n` outside 0..2^order-1 is a compile error ({@link MsgFolioIndex}); at
 * run time `OUT_OF_BOUNDS`, and a non-integer `n` is `INVALID_ARGUMENT`. The borrow cannot be
 * written through (the folio lock guard can) and goes stale when the folio is freed.
 *
 * @example
 * ```ts
 * import { createMemory, folioAlloc, folioPage, pageToPfn, folioPut, GFP_KERNEL } from 'memdesc';
 * const f = folioAlloc(createMemory(), GFP_KERNEL, 2)!;
 * console.log(pageToPfn(folioPage(f, 3)));
 * export function refused() {
 *   // @ts-expect-error — folio_page(): index out of range for a folio of order 2
 *   return folioPage(f, 4);
 * }
 * folioPut(f);
 * ```
 * @see {@link pageFolio}
 */
export function folioPage<F, N extends number>(folio: FolioArg<F, 'folio_page()'>, n: FolioIndexArg<F, N>): Borrowed<FolioPage<FolioOrderOf<F>>> {
  const h = folioHandle(folio, 'folioPage');
  const order = H.order(h);
  if (typeof n !== 'number' || !Number.isInteger(n)) invalidArgument('folioPage', 'n must be an integer', n);
  if (n < 0 || n >= 1 << order) {
    throw new MmError('OUT_OF_BOUNDS', `BUG: folio_page(): index ${n} is outside a folio of ${1 << order} pages`, H.head(h));
  }
  const mem = H.mem(h);
  const head = H.head(h);
  return new PageHandle(mem, head + n, head, mem.map.gen[head]!, 0, Role.Borrowed, true) as unknown as Borrowed<FolioPage<FolioOrderOf<F>>>;
}

/**
 * `page_folio(page)` — the folio a page belongs to, as a borrow, or `null` if the page is not part
 * of a folio (a slab, vmalloc, page-table or bare page).
 *
 * **When to use**: to go from a page you were handed (`virtToPage`, `vmallocToPage`, a page of
 * unknown owner) to its folio, then `folioGet`/`folioTryGet` it, lock it or read its counts.
 *
 * **Gotchas**: the result is a borrow: putting it is a compile error and `REFCOUNT_UNDERFLOW`. It
 * goes stale when the folio is freed; a consumed page is a compile error and a stale one
 * `USE_AFTER_FREE`.
 *
 * @example
 * ```ts
 * import { createMemory, allocPage, pageFolio, freePage, GFP_KERNEL } from 'memdesc';
 * const mem = createMemory();
 * const p = allocPage(mem, GFP_KERNEL)!;
 * console.log(pageFolio(p)); // null: a bare allocation is not a folio
 * freePage(p);
 * ```
 * @see {@link folioPage}
 */
export function pageFolio<P>(page: PageArg<P, 'page_folio()'>): Borrowed<Folio> | null {
  const h = checkHandle(page, 'pageFolio', false);
  const mem = H.mem(h);
  const head = H.head(h);
  if (mem.map.kind[head] !== PageKind.Folio) return null;
  return new PageHandle(mem, head, head, mem.map.gen[head]!, mem.map.order[head]!, Role.Borrowed) as unknown as Borrowed<Folio>;
}

function lockFolio(folio: unknown, fn: string, trylock: boolean): PageHandle | null {
  const h = folioHandle(folio, fn);
  const mem = H.mem(h);
  const head = H.head(h);
  const flags = mem.map.flags;
  if (flags[head]! & PageFlag.Locked) {
    if (trylock) return null;
    throw new MmError(
      'INVALID_ARGUMENT',
      `BUG: ${fn}(): pfn:${hexPfn(head)} is already locked; folio_lock() would sleep forever (single task: deadlock)`,
      head,
    );
  }
  if (!trylock && mem.atomicDepth > 0) {
    const msg = `BUG: sleeping function called from invalid context: folio_lock() under a spinlock (use folioTrylock())`;
    mem.logOnly(msg);
    throw new MmError('SLEEP_IN_ATOMIC', msg, head);
  }
  flags[head] = flags[head]! | PageFlag.Locked;
  return new PageHandle(mem, head, head, mem.map.gen[head]!, H.order(h), Role.Locked);
}

/**
 * `folio_lock(folio)` — takes `PG_locked` and returns the lock guard, the handle that writes go
 * through. May sleep.
 *
 * **When to use**: before writing to a folio's contents (`writeRaw` or `fillZeroRaw` through the
 * guard, or a `withPageMapped` view of one of its pages while it is locked); declare the guard with
 * `using` to unlock at the end of the scope.
 *
 * **Gotchas**: under a spinlock it is `SLEEP_IN_ATOMIC` (use `folioTrylock`); locking a folio that
 * is already locked would deadlock a single task: `INVALID_ARGUMENT`. The last put of a locked
 * folio is `BAD_PAGE_STATE`.
 *
 * @example
 * ```ts
 * import { createMemory, folioAlloc, folioLock, folioUnlock, writeRaw, folioPut, GFP_KERNEL } from 'memdesc';
 * const f = folioAlloc(createMemory(), GFP_KERNEL, 0)!;
 * const locked = folioLock(f);
 * writeRaw(locked, new Uint8Array([1, 2, 3]), 0);
 * folioUnlock(locked);
 * folioPut(f);
 * ```
 * @see {@link folioUnlock}
 * @see {@link folioTrylock}
 */
export function folioLock<F>(folio: FolioArg<F, 'folio_lock()'>): LockedFolio<FolioOrderOf<F>> {
  return lockFolio(folio, 'folioLock', false) as unknown as LockedFolio<FolioOrderOf<F>>;
}

/**
 * `folio_trylock(folio)` — the lock guard, or `null` if the folio is already locked. Never sleeps.
 *
 * **When to use**: where `folioLock` may not sleep (under a spinlock, in a shrinker), or to skip a
 * folio someone else is working on.
 *
 * **Gotchas**: `null` must be checked; unlock a guard you got with `folioUnlock` as usual.
 *
 * @example
 * ```ts
 * import { createMemory, folioAlloc, folioTrylock, folioUnlock, folioPut, GFP_KERNEL } from 'memdesc';
 * const f = folioAlloc(createMemory(), GFP_KERNEL, 0)!;
 * const locked = folioTrylock(f);
 * if (locked) {
 *   console.log(folioTrylock(f)); // null: already locked
 *   folioUnlock(locked);
 * }
 * folioPut(f);
 * ```
 * @see {@link folioLock}
 */
export function folioTrylock<F>(folio: FolioArg<F, 'folio_trylock()'>): LockedFolio<FolioOrderOf<F>> | null {
  return lockFolio(folio, 'folioTrylock', true) as unknown as LockedFolio<FolioOrderOf<F>> | null;
}

/**
 * `folio_unlock(folio)` — releases `PG_locked`; consumes the lock guard.
 *
 * **When to use**: when the writes are done; or declare the guard with `using` instead.
 *
 * **Gotchas**: a guard already released is a compile error and `USE_AFTER_FREE`; anything but a
 * lock guard (a reference, a borrow) is refused at compile time and is `INVALID_ARGUMENT` at run
 * time.
 *
 * @example
 * ```ts
 * import { createMemory, folioAlloc, folioLock, folioUnlock, folioPut, GFP_KERNEL } from 'memdesc';
 * const f = folioAlloc(createMemory(), GFP_KERNEL, 0)!;
 * const locked = folioLock(f);
 * folioUnlock(locked);
 * folioPut(f);
 * ```
 * @see {@link folioLock}
 */
export function folioUnlock<L>(locked: FolioUnlockArg<L>): asserts locked is FolioUnlockArg<L> & Consumed {
  unlock(locked, 'folioUnlock');
}

function unlock(locked: unknown, fn: string): void {
  const h = folioHandle(locked, fn);
  if (H.role(h) !== Role.Locked) {
    throw new MmError('INVALID_ARGUMENT', `${fn}(): pfn:${hexPfn(H.head(h))}: this handle is not the lock guard folioLock() returned`, H.head(h));
  }
  const mem = H.mem(h);
  const head = H.head(h);
  H.kill(h);
  mem.map.flags[head] = mem.map.flags[head]! & ~PageFlag.Locked;
}

/**
 * `folio_mapcount(folio)` — how many user page-table entries map the folio.
 *
 * **When to use**: in tests of code that maps and unmaps folios (`folioAddRmapPte` /
 * `folioRemoveRmapPte`); the last put requires it to be 0.
 *
 * **Gotchas**: as {@link folioRefCount}.
 *
 * @example
 * ```ts
 * import { createMemory, folioAlloc, folioMapcount, folioPut, GFP_KERNEL } from 'memdesc';
 * const f = folioAlloc(createMemory(), GFP_KERNEL, 0)!;
 * console.log(folioMapcount(f)); // 0
 * folioPut(f);
 * ```
 */
export function folioMapcount<F>(folio: FolioArg<F, 'folio_mapcount()'>): number {
  const h = folioHandle(folio, 'folioMapcount');
  return H.mem(h).map.u1[H.head(h)]!;
}

/**
 * `folio_add_file_rmap_pte()` — records one more user mapping of the folio (mapcount + 1). A folio
 * must be unmapped before its last put.
 *
 * **When to use**: to model a PTE mapping the folio into a user address space (a Binder buffer
 * mapped into the receiver, a file page mapped by `mmap`).
 *
 * **Gotchas**: memdesc keeps no page tables: only the count is kept. The last `folioPut` while the
 * mapcount is above 0 is `BAD_PAGE_STATE` ("nonzero mapcount") and frees nothing.
 *
 * @example
 * ```ts
 * import { createMemory, folioAlloc, folioAddRmapPte, folioRemoveRmapPte, folioPut, GFP_KERNEL } from 'memdesc';
 * const f = folioAlloc(createMemory(), GFP_KERNEL, 0)!;
 * folioAddRmapPte(f);
 * folioRemoveRmapPte(f);
 * folioPut(f);
 * ```
 * @see {@link folioRemoveRmapPte}
 */
export function folioAddRmapPte<F>(folio: FolioArg<F, 'folio_add_file_rmap_pte()'>): void {
  const h = folioHandle(folio, 'folioAddRmapPte');
  H.mem(h).map.u1[H.head(h)]!++;
}

/**
 * `folio_remove_rmap_pte()` — removes one user mapping (mapcount - 1).
 *
 * **When to use**: for every `folioAddRmapPte`, before the last put.
 *
 * **Gotchas**: below zero is `REFCOUNT_UNDERFLOW` (a mapcount underflow), and the count stays 0.
 *
 * @example
 * ```ts
 * import { createMemory, folioAlloc, folioAddRmapPte, folioRemoveRmapPte, folioPut, GFP_KERNEL } from 'memdesc';
 * const f = folioAlloc(createMemory(), GFP_KERNEL, 0)!;
 * folioAddRmapPte(f);
 * folioRemoveRmapPte(f);
 * folioPut(f);
 * ```
 * @see {@link folioAddRmapPte}
 */
export function folioRemoveRmapPte<F>(folio: FolioArg<F, 'folio_remove_rmap_pte()'>): void {
  const h = folioHandle(folio, 'folioRemoveRmapPte');
  const m = H.mem(h).map;
  const head = H.head(h);
  if (m.u1[head]! <= 0) {
    throw new MmError('REFCOUNT_UNDERFLOW', `BUG: folio_remove_rmap_pte(): pfn:${hexPfn(head)} mapcount would go negative`, head);
  }
  m.u1[head]!--;
}

setDisposer(PageKind.Folio, (h) => {
  if (H.role(h) === Role.Shared) putRef(h, 'dispose');
  else if (H.role(h) === Role.Locked) unlock(h, 'dispose');
});
