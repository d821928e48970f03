/**
 * Ownership states, as Rust-for-Linux spells them: `Owned<T>` (the unique owner), `ARef<T>` (one
 * counted reference) and `Borrowed<T>` (a non-owning view, Rust's `&T`). They exist only in the
 * type system; at run time every handle is the same small object, checked by the runtime.
 *
 * @module
 */

declare const ownedMark: unique symbol;
declare const borrowedMark: unique symbol;

/** The mark of the unique owner: only an `Owned` handle can be freed. */
export interface OwnedMark {
  readonly [ownedMark]: true;
}

/** The mark of a non-owning view. */
export interface BorrowedMark {
  readonly [borrowedMark]: true;
}

/**
 * `Owned<T>` — the unique owner of `T`; freeing it (or leaving a `using` scope) releases `T`.
 * Rust-for-Linux: `Owned<T: Ownable>`.
 */
export type Owned<T> = T & OwnedMark & Disposable;

/** `&T` — a view that can be read but never freed or put. */
export type Borrowed<T> = T & BorrowedMark;
