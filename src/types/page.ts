/**
 * `struct page` as a type: the block's order and, where known, its owner (provenance). A page has
 * no refcount and no lifecycle of its own; the memdesc that owns it decides when it dies.
 *
 * @module
 */
import type { Brand } from 'ts-brand';
import type { MsgBadOrder, MsgWrongFreeOrder } from './messages.js';
import type { MaybeConsumed, Owned } from './ownership.js';

declare const pageOrder: unique symbol;
declare const pageOwner: unique symbol;

/** An order 0..MAX_PAGE_ORDER: a block of 2^Order contiguous pages. */
export type PageOrder = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10;

/**
 * Which memdesc owns a page:
 * - `'folio'` — a folio (refcounted: the only owner `getPage` accepts);
 * - `'slab'` — a slab of small objects (kmalloc, kmem_cache);
 * - `'vmalloc'` — a vmalloc area;
 * - `'bare'` — a block from `alloc_pages()` (owned, not counted);
 * - `'pgtable'` — a page-table page (`struct ptdesc`);
 * - `'misc'` — large kmalloc, driver pages and other frozen pages without a refcount;
 * - `'custom'` — a memdesc type defined with `defineMemdesc`.
 */
export type PageOwner = 'folio' | 'slab' | 'vmalloc' | 'bare' | 'pgtable' | 'misc' | 'custom';

/**
 * `struct page` — a handle to a page (or, for `Order > 0`, the head page of a block of `2^Order`
 * pages). `Owner` says which memdesc owns it; left out, it means *unknown owner*: every page of
 * known provenance is assignable to `Page<O>`, and `getPage` refuses it.
 */
export interface Page<Order extends number = number, Owner extends PageOwner = PageOwner> {
  /** Phantom: the block's order, known at compile time when the allocation's order was a literal. */
  readonly [pageOrder]: Order;
  /** Phantom: the owning memdesc. */
  readonly [pageOwner]: Owner;
}

/** The order of a page type (`number` when unknown). */
export type OrderOf<P> = P extends Page<infer O, PageOwner> ? O : number;

/** The owner of a page type. */
export type OwnerOf<P> = P extends Page<number, infer W> ? W : PageOwner;

/**
 * The `order` argument of an allocation: a literal 0..10 passes; another literal is refused with
 * {@link MsgBadOrder}; a non-literal `number` passes and is checked at run time.
 */
export type OrderArg<O extends number> = [O] extends [PageOrder] ? O : number extends O ? O : MsgBadOrder;

/** The `order` argument of `freePages(page, order)`: the allocation's order, or a message. */
export type FreeOrderArg<P, O extends number> = number extends OrderOf<P>
  ? O
  : [O] extends [OrderOf<P>]
    ? O
    : number extends O
      ? O
      : MsgWrongFreeOrder<OrderOf<P>>;

/**
 * The declared type of a page variable that may be freed on some paths only:
 * `const p: PageVar<0> = allocPage(mem, GFP_KERNEL)!; if (c) freePage(p); readRaw(p, …)` is refused.
 */
export type PageVar<Order extends number = number> = MaybeConsumed<Owned<Page<Order>>>;

/** A page frame number. */
export type Pfn = Brand<number, 'pfn'>;
