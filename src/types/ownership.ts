/**
 * Ownership states, as Rust-for-Linux spells them: `Owned<T>` (the unique owner), `ARef<T>` (one
 * counted reference) and `Borrowed<T>` (a non-owning view, Rust's `&T`), plus the marks that make
 * consumption visible to the compiler. They exist only in the type system; at run time every
 * handle is the same small object, checked by the runtime.
 *
 * ## How consumption is tracked
 *
 * A function that gives a handle up (`freePages`, `putPage`, `folioPut`, `kfree`, …) is declared
 * with an assertion signature, `asserts page is P & Consumed`: after the call, the
 * compiler knows the variable holds a consumed handle. Every function that takes a handle requires
 * {@link Live} — "no consumed mark" — so a later use, or a second free, does not type-check. The
 * handle types themselves never declare the consumed key (else the intersection would collapse to
 * `never`, which is assignable to everything).
 *
 * A variable consumed on only *some* paths (`if (c) freePage(p)`) needs a declared type that
 * remembers both possibilities: {@link MaybeConsumed} (for pages, `PageVar<Order>`).
 *
 * @module
 */
import type { MsgConsumed, MsgOwnableAlwaysRefCounted } from './messages.js';

declare const roleKey: unique symbol;
declare const consumedKey: unique symbol;

/** The mark of the unique owner: only an `Owned` handle can be freed. */
export interface OwnedMark {
  readonly [roleKey]: 'Owned: the unique owner; only it may free';
}

/** The mark of one counted reference: it is put, never freed. */
export interface ARefMark {
  readonly [roleKey]: 'ARef: a counted reference; give it back with a put, never a free';
}

/** The mark of a lock guard (`LockedFolio`): it may write; unlocking consumes it. */
export interface LockedMark {
  readonly [roleKey]: 'Locked: a lock guard; it may write, and folioUnlock() gives it up';
}

/** The mark of a non-owning view. */
export interface BorrowedMark {
  readonly [roleKey]: 'Borrowed: a view of a page someone else owns; it can be read, never freed or put';
}

/**
 * `Owned<T>` — the unique owner of `T`; freeing it (or leaving a `using` scope) releases `T`.
 * Rust-for-Linux: `Owned<T: Ownable>`.
 */
export type Owned<T> = T & OwnedMark & Disposable;

/** `ARef<T>` — one counted reference to `T`; dropping it (or leaving a `using` scope) puts it. */
export type ARef<T> = T & ARefMark & Disposable;

/** `&T` — a view that can be read but never freed or put. */
export type Borrowed<T> = T & BorrowedMark;

/**
 * The mark an assertion signature adds when a function consumes a handle (free, put, unlock, move).
 *
 * It is one type for every consumer on purpose: a variable declared {@link MaybeConsumed} lists it
 * as a member, and TypeScript keeps a declared union through a join of paths only when each path's
 * type is one of its members.
 */
export interface Consumed {
  readonly [consumedKey]: MsgConsumed;
}

/** `true` if `T`, or any member of a union `T`, carries the {@link Consumed} mark. */
export type AnyConsumed<T> = true extends (T extends Consumed ? true : false) ? true : false;

/** "Not consumed": every API that accepts a handle requires this. */
export interface Live {
  readonly [consumedKey]?: never;
}

/**
 * The declared type of a variable that may be consumed on some paths and not others:
 *
 * ```ts
 * const p: MaybeConsumed<Owned<Page<0>>> = allocPage(mem, GFP_KERNEL)!;
 * if (cond) freePage(p);
 * readRaw(p, buf, 0); // refused: p may have been freed
 * ```
 *
 * Without it, TypeScript merges "freed" and "not freed" back into the plain handle type where the
 * paths join, and the possible use after free goes unseen.
 */
export type MaybeConsumed<T> = T | (T & Consumed);

declare const capOwnable: unique symbol;
declare const capRefCounted: unique symbol;
declare const capAlways: unique symbol;
declare const capOwnableRc: unique symbol;
declare const Ownable_and_AlwaysRefCounted_exclude_each_other: unique symbol;

/**
 * `Ownable` — can have a unique owner (`Owned<T>`). Rust-for-Linux: `trait Ownable`.
 */
export interface Ownable {
  readonly [capOwnable]: true;
  /** Ownable and AlwaysRefCounted exclude each other: see {@link MsgOwnableAlwaysRefCounted}. */
  readonly [Ownable_and_AlwaysRefCounted_exclude_each_other]: 'Ownable: an Owned<T> is the only handle to it';
}

/** `RefCounted` — has a reference count; `ARef<T>` holds one reference. */
export interface RefCounted {
  readonly [capRefCounted]: true;
}

/**
 * `AlwaysRefCounted` — a counted reference may be taken from any borrow (folios). Rust-for-Linux:
 * `unsafe trait AlwaysRefCounted`. Declaring a type that extends both this and {@link Ownable} is a
 * compile error where the type is defined (the two `[Ownable_and_AlwaysRefCounted_exclude_each_other]` sentences conflict).
 */
export interface AlwaysRefCounted extends RefCounted {
  readonly [capAlways]: true;
  readonly [Ownable_and_AlwaysRefCounted_exclude_each_other]: 'AlwaysRefCounted: a reference may be taken from any borrow, so no handle is ever unique';
}

/**
 * `OwnableRefCounted` — refcounted, and convertible between a unique `Owned<T>` and shared
 * `ARef<T>` (`intoShared` / `tryFromShared`). Rust-for-Linux: `trait OwnableRefCounted`.
 */
export interface OwnableRefCounted extends Ownable, RefCounted {
  readonly [capOwnableRc]: true;
}

/**
 * Checks a capability set at the point where a memdesc type is defined: resolves to the set, or
 * to {@link MsgOwnableAlwaysRefCounted} when it is both Ownable and AlwaysRefCounted.
 */
export type CheckCapabilities<Caps> = [Caps] extends [Ownable & { readonly [capAlways]: true }] ? MsgOwnableAlwaysRefCounted : Caps;
