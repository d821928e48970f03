/**
 * `struct page` as a type: the block's order and, where known, its owner (provenance). A page has
 * no refcount and no lifecycle of its own; the memdesc that owns it decides when it dies.
 *
 * @module
 */
import type { Brand } from 'ts-brand';
import type {
  MsgBadOrder,
  MsgFreeAddress,
  MsgFreeARef,
  MsgFreeBorrowed,
  MsgFreeFolio,
  MsgFreeMemdesc,
  MsgFreeNotPage,
  MsgFreePageOrder,
  MsgFreePageOrderUnknown,
  MsgFreePtdesc,
  MsgNotPage,
  MsgWrongFreeOrder,
} from './messages.js';
import type { ARefMark, BorrowedMark, Checked, HandleRefusal, Live, LockedMark, Unconsumed, MaybeConsumed, MemdescKindMark, Owned } from './ownership.js';

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
export interface Page<Order extends number = number, Owner extends PageOwner = PageOwner> extends MemdescKindMark<'struct page'> {
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
 * (no kernel counterpart) — `true` for the type `number` itself (an order or index the compiler
 * cannot know, checked at run time), `false` for a literal such as `3` — and for a numeric enum
 * member such as `Order.Ring`: TypeScript lets `number` be assigned to an enum member, so the usual
 * `number extends N` test would take `Order.Ring` for a plain number and skip every check. The test
 * here asks whether `-1.5` fits `N`: it fits `number`, and no order, index or sensible enum member.
 */
export type IsPlainNumber<N> = Checked<-1.5> extends Checked<N> ? true : false;

/**
 * (no kernel counterpart) — the type a refused argument was expected to have, shown beside the
 * rule's sentence when the argument is partly right (a handle that may be `null`, or may have been
 * consumed on some path): `Shape` is what the call accepts, `Arg` the argument as given.
 *
 * It is also what lets a generic helper pass its own type parameter on: a parameter `P extends
 * Owned<Page<2>> & Live` is accepted through this member because `P`'s constraint fits `Shape`.
 */
export type Expected<Shape, Arg> = Shape & NoInfer<Arg>;

/**
 * `alloc_pages(gfp, order)`'s `order` — the `order` argument of an allocation: a literal 0..10 (or
 * an enum member with such a value) passes; another literal or enum member is refused with
 * {@link MsgBadOrder}; a non-literal `number` passes and is checked at run time
 * (`INVALID_ARGUMENT`). A generic `O extends PageOrder` passes too.
 */
export type OrderArg<O> = Checked<O> extends Checked<PageOrder>
  ? O
  : NoInfer<(IsPlainNumber<O> extends true ? O : MsgBadOrder) | Expected<PageOrder, O>>;

/**
 * `compound_order()` of a page-type argument, read through its phantom field (`never` when it is
 * not a page) — an indexed access, not a conditional type like {@link OrderOf}, so that a generic
 * helper's page order is read through its constraint.
 */
export type OrderField<P> = P[typeof pageOrder & keyof P];

/**
 * One row of {@link FreeOrderTable}: the `order` that frees a block allocated with order `K` —
 * `K` itself (or a plain `number`, checked at run time), else the sentence {@link MsgWrongFreeOrder}.
 */
export type FreeOrderRow<O, K extends number> = Checked<O> extends Checked<K> ? O : IsPlainNumber<O> extends true ? O : MsgWrongFreeOrder<K>;

/**
 * (no kernel counterpart) — {@link FreeOrderArg}'s lookup table: for each allocation order 0..10,
 * the order argument that frees it ({@link FreeOrderRow}); for an order unknown at compile time,
 * any order (checked at run time). A table, not a conditional type, so that a generic helper whose
 * page has a known order (`P extends Owned<Page<2>>`) is checked through its constraint.
 */
export type FreeOrderTable<O> = {
  readonly [allocated: number]: O;
} & {
  /** Allocated with order 0. */
  readonly 0: FreeOrderRow<O, 0>;
  /** Allocated with order 1. */
  readonly 1: FreeOrderRow<O, 1>;
  /** Allocated with order 2. */
  readonly 2: FreeOrderRow<O, 2>;
  /** Allocated with order 3. */
  readonly 3: FreeOrderRow<O, 3>;
  /** Allocated with order 4. */
  readonly 4: FreeOrderRow<O, 4>;
  /** Allocated with order 5. */
  readonly 5: FreeOrderRow<O, 5>;
  /** Allocated with order 6. */
  readonly 6: FreeOrderRow<O, 6>;
  /** Allocated with order 7. */
  readonly 7: FreeOrderRow<O, 7>;
  /** Allocated with order 8. */
  readonly 8: FreeOrderRow<O, 8>;
  /** Allocated with order 9. */
  readonly 9: FreeOrderRow<O, 9>;
  /** Allocated with order 10. */
  readonly 10: FreeOrderRow<O, 10>;
};

/**
 * `__free_pages(page, order)`'s `order` — the allocation's order, or the sentence
 * {@link MsgWrongFreeOrder} that refuses another literal (or enum member); a non-literal `number` is
 * checked at run time (`BAD_ORDER`). In a generic helper the page's order comes from its
 * constraint: `freePages(b, 2)` with `b: P extends Owned<Page<2>> & Live` compiles.
 */
export type FreeOrderArg<P, O> = Checked<O> extends Checked<OrderField<P>> ? O : FreeOrderTable<O>[OrderField<P> & number];

/**
 * (no kernel counterpart) — why a free of `P` is refused, as the sentence for kernel function
 * `Fn`: a handle that may be `null`, a consumed one, a folio, page table or driver memdesc (each
 * has its own free), a reference, a borrow, an address, or anything else that is not an
 * `alloc_pages()` block's owner.
 */
export type FreeRefusal<Fn extends string, P> = HandleRefusal<
  Fn,
  P,
  Checked<P> extends Checked<LockedMark | MemdescKindMark<'struct folio'>>
    ? MsgFreeFolio<Fn>
    : Checked<P> extends Checked<MemdescKindMark<'struct ptdesc'>>
      ? MsgFreePtdesc<Fn>
      : Checked<P> extends Checked<MemdescKindMark<'memdesc'>>
        ? MsgFreeMemdesc<Fn>
        : Checked<P> extends Checked<ARefMark>
          ? MsgFreeARef<Fn>
          : Checked<P> extends Checked<BorrowedMark>
            ? MsgFreeBorrowed<Fn, 'alloc_pages()'>
            : Checked<P> extends Checked<number>
              ? MsgFreeAddress<Fn>
              : MsgFreeNotPage<Fn>
>;

/**
 * `__free_pages(page, order)`'s `page` — the live `Owned` handle of an `alloc_pages()` block, or
 * the sentence ({@link FreeRefusal}) that refuses anything else.
 */
export type FreePagesArg<P> = Checked<P> extends Checked<Owned<Page> & Live>
  ? P
  : NoInfer<FreeRefusal<'__free_pages()', P> | Expected<Owned<Page> & Unconsumed, P>>;

/**
 * `__free_page(page)`'s `page` — the live `Owned` handle of an order-0 block; a block of another
 * order is refused with {@link MsgFreePageOrder}, anything else as {@link FreePagesArg}.
 */
export type FreePageArg<P> = Checked<P> extends Checked<Owned<Page<0>> & Live>
  ? P
  : NoInfer<
      | (Checked<P> extends Checked<Owned<Page> & Live>
          ? IsPlainNumber<OrderOf<P>> extends true
            ? MsgFreePageOrderUnknown
            : MsgFreePageOrder<OrderOf<P>>
          : FreeRefusal<'__free_page()', P>)
      | Expected<Owned<Page<0>> & Unconsumed, P>
    >;

/**
 * A page parameter of kernel function `Fn` (`page_to_pfn()`, `page_address()`, `page_folio()`, …) —
 * any live page handle, whatever its order, owner or role; a page that may be `null`, a consumed
 * one, or anything that is not a page is refused with a sentence ({@link HandleRefusal},
 * {@link MsgNotPage}).
 */
export type PageArg<P, Fn extends string> = Checked<P> extends Checked<Page & Live> ? P : NoInfer<HandleRefusal<Fn, P, MsgNotPage<Fn>> | Expected<Page & Unconsumed, P>>;

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
