/**
 * Folios as types: `Folio<Order>`, its lock guard and its pages, and the argument checks of the
 * folio functions (`folio_get()`, `folio_put()`, `folio_page()`, `get_page()`, …) — each refusal a
 * sentence naming the rule. The functions are in `folio.ts`.
 *
 * @module
 */
import type {
  MsgFolioIndex,
  MsgFolioNotPage,
  MsgGetPage,
  MsgGetPageNotPage,
  MsgNotFolio,
  MsgPutBorrowed,
  MsgPutLocked,
  MsgPutNotFolio,
  MsgPutOwnedPage,
  MsgUnlockNotGuard,
} from '../types/messages.js';
import type {
  ARef,
  AlwaysRefCounted,
  BorrowedMark,
  Checked,
  HandleRefusal,
  Live,
  LockedMark,
  MemdescKindMark,
  OwnedMark,
  Unconsumed,
} from '../types/ownership.js';
import type { Expected, IsPlainNumber, OwnerOf, Page } from '../types/page.js';
import type { FolioIndexTable } from './folio-index.js';

declare const folioOrderKey: unique symbol;
declare const folioPageOrderKey: unique symbol;

/**
 * `struct folio` — a refcounted block of 2^Order pages, with one reference count and one mapcount
 * kept on its head page. Handles: `ARef<Folio<O>>` (one reference, from `folioAlloc`, `folioGet`,
 * `getPage`), `Borrowed<Folio<O>>` (from `pageFolio`), `LockedFolio<O>` (from `folioLock`).
 *
 * **When to use**: memory that several holders share and that must live until the last lets go —
 * page cache, anonymous memory. A folio is `AlwaysRefCounted`: a reference may be taken from any
 * live view of it.
 *
 * **Gotchas**: a folio is put, never freed (`freePages` on it is a compile error and
 * `FREE_BORROWED`); it is written only through its lock guard (compile error, `BAD_PAGE_STATE`);
 * the last put of a folio that is still mapped, locked or kmapped is `BAD_PAGE_STATE`.
 *
 * @example
 * ```ts
 * import { createMemory, folioAlloc, folioGet, folioPut, folioRefCount, GFP_KERNEL, type ARef, type Folio } from 'memdesc';
 * const mem = createMemory();
 * const cache: ARef<Folio>[] = [];
 * const f = folioAlloc(mem, GFP_KERNEL, 2)!; // ARef<Folio<2>>: 4 pages, count 1
 * cache.push(folioGet(f)); // the cache holds its own reference: count 2
 * folioPut(f);
 * console.log(folioRefCount(cache[0]!)); // 1
 * for (const ref of cache.splice(0)) folioPut(ref); // the last put frees the 4 pages
 * ```
 * @see {@link folioAlloc}
 * @see {@link folioPut}
 */
export interface Folio<Order extends number = number> extends AlwaysRefCounted, MemdescKindMark<'struct folio'> {
  /** Phantom: the folio's order. */
  readonly [folioOrderKey]: Order;
}

/**
 * `folio_lock()`'s guard (`PG_locked` held) — a folio whose lock this handle holds: the one handle
 * writes may go through. `folioUnlock` consumes it; leaving a `using` scope unlocks it.
 *
 * @example
 * ```ts
 * import { createMemory, folioAlloc, folioLock, writeRaw, folioPut, GFP_KERNEL } from 'memdesc';
 * const f = folioAlloc(createMemory(), GFP_KERNEL, 0)!;
 * {
 *   using locked = folioLock(f); // LockedFolio<0>; unlocked when the block ends
 *   writeRaw(locked, new Uint8Array([0xde, 0xad]), 0);
 * }
 * folioPut(f);
 * ```
 */
export type LockedFolio<Order extends number = number> = Folio<Order> & LockedMark;

/** `folio_order()` at the type level — the order of a folio type (`number` when unknown). */
export type FolioOrderOf<F> = F extends Folio<infer O> ? O : number;

/**
 * `folio_page(folio, n)`'s result — a page of a folio whose order is `Order`: a `Page<0, 'folio'>`
 * that remembers the folio's order, so `getPage(folioPage(f, 1))` on an `ARef<Folio<2>>` is an
 * `ARef<Folio<2>>` again.
 */
export interface FolioPage<Order extends number = number> extends Page<0, 'folio'> {
  /** Phantom: the order of the folio this page belongs to. */
  readonly [folioPageOrderKey]: Order;
}

/** `folio_order(page_folio(page))` at the type level — the order of a folio page's folio (`number` when unknown). */
export type FolioPageOrderOf<P> = P extends FolioPage<infer O> ? O : number;

/**
 * `folio_order()` of a folio-type argument, read through its phantom field (`never` when it is not
 * a folio) — an indexed access, not a conditional type, so that a generic folio's order is read
 * through its constraint.
 */
export type FolioOrderField<F> = F[typeof folioOrderKey & keyof F];

/**
 * `folio_page(folio, n)`'s `n` — a literal index (or enum member) inside the folio, or the sentence
 * {@link MsgFolioIndex} that refuses it; a non-literal `number` passes and is checked at run time
 * (`OUT_OF_BOUNDS`). For a folio of generic order `O extends PageOrder`, the indexes valid for
 * every order `O` may take pass (index 0); for `O extends number`, any index (checked at run time).
 */
export type FolioIndexArg<F, N> = IsPlainNumber<N> extends true ? N : FolioIndexTable<N>[FolioOrderField<F> & number];

/**
 * A folio parameter of kernel function `Fn` — any live folio handle (a reference, a borrow or the
 * lock guard), or the sentence that refuses the argument: a page ({@link MsgFolioNotPage}),
 * anything else ({@link MsgNotFolio}), a handle that may be `null` or is consumed.
 */
export type FolioArg<F, Fn extends string> = Checked<F> extends Checked<Folio & Live>
  ? F
  : NoInfer<HandleRefusal<Fn, F, Checked<F> extends Checked<Page> ? MsgFolioNotPage<Fn> : MsgNotFolio<Fn>> | Expected<Folio & Unconsumed, F>>;

/**
 * `folio_put()` / `put_page()`'s argument — a live counted reference to a folio (`ARef`), or the
 * sentence that refuses it: a borrow or the lock guard holds no reference, an `alloc_pages()` block
 * is freed instead, and so on.
 */
export type FolioPutArg<R, Fn extends string> = Checked<R> extends Checked<ARef<Folio> & Live>
  ? R
  : NoInfer<
      | HandleRefusal<
          Fn,
          R,
          Checked<R> extends Checked<LockedMark>
            ? MsgPutLocked<Fn>
            : Checked<R> extends Checked<BorrowedMark>
              ? MsgPutBorrowed<Fn>
              : Checked<R> extends Checked<Page & OwnedMark>
                ? MsgPutOwnedPage<Fn>
                : MsgPutNotFolio<Fn>
        >
      | Expected<ARef<Folio> & Unconsumed, R>
    >;

/**
 * `get_page(page)`'s argument — a live page known to belong to a folio, or the sentence that names
 * its owner and refuses it ({@link MsgGetPage}); a page that may be `null` or is consumed, and
 * anything that is not a page ({@link MsgGetPageNotPage}), are refused too.
 */
export type GetPageArg<P> = [P] extends [Page<number, 'folio'> & Live]
  ? P
  : NoInfer<HandleRefusal<'get_page()', P, Checked<P> extends Checked<Page> ? MsgGetPage<OwnerOf<P>> : MsgGetPageNotPage> | Expected<Page<number, 'folio'> & Unconsumed, P>>;

/**
 * `folio_unlock()`'s argument — the live lock guard `folioLock()` returned, or the sentence that
 * refuses anything else ({@link MsgUnlockNotGuard}).
 */
export type FolioUnlockArg<L> = Checked<L> extends Checked<LockedFolio & Live>
  ? L
  : NoInfer<HandleRefusal<'folio_unlock()', L, MsgUnlockNotGuard> | Expected<LockedFolio & Unconsumed, L>>;
