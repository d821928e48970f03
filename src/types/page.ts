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

/**
 * `unsigned int order` — a buddy-allocator order 0..`MAX_PAGE_ORDER`: a block of 2^Order contiguous
 * pages. A literal order of this type is accepted by every allocation at compile time.
 */
export type PageOrder = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10;

/**
 * `page->memdesc`'s type field (4 bits in Matthew Wilcox's plan,
 * kernelnewbies.org/MatthewWilcox/Memdescs) — which memdesc owns a page, remembered by page and
 * address types as *provenance*:
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
 *
 * A page has no refcount and no lifecycle of its own: the memdesc that owns it decides when it
 * dies. Handles come in roles — `Owned<Page<O>>` from `allocPages`, `Borrowed<Page<0, Owner>>` from
 * `virtToPage`, `vmallocToPage`, `folioPage`, `ptdescPage`, `memdescPage`.
 *
 * **When to use**: as the parameter type of code that reads pages of any owner (`Page & Live`), or
 * `Owned<Page<O>>` for code that takes ownership of an `alloc_pages()` block.
 *
 * **Gotchas**: the order is known at compile time only when the allocation's order was a literal;
 * `Page<number>` is checked at run time (`BAD_ORDER` when freed with the wrong order). A page of
 * unknown owner cannot be counted: `getPage` on it is a compile error and `NOT_REFCOUNTED` at run
 * time.
 *
 * @example
 * ```ts
 * import { createMemory, allocPages, pageToPfn, freePages, GFP_KERNEL, type Owned, type Page } from 'memdesc';
 * function firstPfn(page: Page): number {
 *   return pageToPfn(page);
 * }
 * const mem = createMemory();
 * const block: Owned<Page<2>> = allocPages(mem, GFP_KERNEL, 2)!;
 * console.log(firstPfn(block) % 4); // 0: a block is aligned to its size
 * freePages(block, 2);
 * ```
 */
export interface Page<Order extends number = number, Owner extends PageOwner = PageOwner> {
  /** Phantom: the block's order, known at compile time when the allocation's order was a literal. */
  readonly [pageOrder]: Order;
  /** Phantom: the owning memdesc ({@link PageOwner}). */
  readonly [pageOwner]: Owner;
}

/** `compound_order()` at the type level — the order of a page type (`number` when unknown). */
export type OrderOf<P> = P extends Page<infer O, PageOwner> ? O : number;

/** `page->memdesc`'s type field, read from a page type — its owner ({@link PageOwner}). */
export type OwnerOf<P> = P extends Page<number, infer W> ? W : PageOwner;

/**
 * `alloc_pages(gfp, order)`'s `order` — the `order` argument of an allocation: a literal 0..10
 * passes; another literal is refused with {@link MsgBadOrder}; a non-literal `number` passes and is
 * checked at run time (`INVALID_ARGUMENT`).
 */
export type OrderArg<O extends number> = [O] extends [PageOrder] ? O : number extends O ? O : MsgBadOrder;

/**
 * `__free_pages(page, order)`'s `order` — the allocation's order, or the sentence
 * {@link MsgWrongFreeOrder} that refuses another literal; a non-literal `number` is checked at run
 * time (`BAD_ORDER`).
 */
export type FreeOrderArg<P, O extends number> = number extends OrderOf<P>
  ? O
  : [O] extends [OrderOf<P>]
    ? O
    : number extends O
      ? O
      : MsgWrongFreeOrder<OrderOf<P>>;

/**
 * (no kernel counterpart) — the declared type of an `alloc_pages()` block variable that may be
 * freed on some paths only: `MaybeConsumed<Owned<Page<Order>>>`.
 *
 * @example
 * ```ts
 * import { createMemory, allocPage, freePage, readRaw, GFP_KERNEL, type PageVar } from 'memdesc';
 * const mem = createMemory();
 * export function release(early: boolean): void {
 *   const p: PageVar<0> = allocPage(mem, GFP_KERNEL)!;
 *   if (early) freePage(p);
 *   // @ts-expect-error — p may have been freed on the path above
 *   readRaw(p, new Uint8Array(1), 0);
 * }
 * ```
 */
export type PageVar<Order extends number = number> = MaybeConsumed<Owned<Page<Order>>>;

/**
 * `unsigned long pfn` — a page frame number: the page's index in the machine's memmap
 * (`page_to_pfn()`, `folio_pfn()`).
 */
export type Pfn = Brand<number, 'pfn'>;
