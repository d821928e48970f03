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
import type { MsgConsumed, MsgLive, MsgMaybeNull, MsgOwnableAlwaysRefCounted } from './messages.js';

/**
 * (no kernel counterpart) — a one-field wrapper for checks that must not distribute over a union:
 * `Checked<A> extends Checked<B>` asks whether all of `A` is assignable to `B`, as the usual
 * `[A] extends [B]` does, without making TypeScript create a tuple type (and the `Array<A>` behind
 * it) for every `A` it checks. It has no value; it exists only in conditional types.
 */
export interface Checked<T> {
  /** Phantom: the type being checked. */
  readonly checked: T;
}

declare const roleKey: unique symbol;
declare const consumedKey: unique symbol;
declare const memdescKind: unique symbol;

/**
 * `page->memdesc`'s type field, as a phantom discriminant — which descriptor a handle is: `struct
 * page`, `struct folio`, `struct ptdesc` or a driver's own memdesc. {@link Page}, `Folio`, `PtDesc`
 * and `Memdesc` extend it with their own `Kind`.
 *
 * You never name it yourself. Because the kinds differ, a handle of one kind intersected with the
 * type another function expects reduces to `never`, which is how a refused call shows only the
 * sentence of its rule (`freePages(folio, …)` reads "__free_pages(): a folio is put, never freed
 * …", not a list of missing properties).
 */
export interface MemdescKindMark<Kind extends string> {
  /** Phantom: the kind of descriptor (`'struct page'`, `'struct folio'`, …). */
  readonly [memdescKind]: Kind;
}

/**
 * `Owned<T>` (Rust-for-Linux) — the role mark of the unique owner: only a handle carrying it can be
 * freed (`freePages`, `pagetableFree`, `memdescFree`).
 *
 * Part of {@link Owned}; you rarely name it yourself. Its key's type is a sentence, so handing a
 * borrow or a reference to a free reads as "… is not assignable to type '"Owned: the unique owner;
 * only it may free"'".
 */
export interface OwnedMark extends Disposable {
  /** Phantom: the handle's role (`Owned`), spelled as the sentence a refused call shows. */
  readonly [roleKey]: 'Owned: the unique owner; only it may free';
}

/**
 * `ARef<T>` (Rust-for-Linux) — the role mark of one counted reference: it is put (`folioPut`,
 * `putPage`, `memdescPut`), never freed.
 *
 * Part of {@link ARef}.
 */
export interface ARefMark extends Disposable {
  /** Phantom: the handle's role (`ARef`), spelled as the sentence a refused call shows. */
  readonly [roleKey]: 'ARef: a counted reference; give it back with a put, never a free';
}

/**
 * `PG_locked` held — the role mark of a lock guard (`LockedFolio`): writes go through it, and
 * `folioUnlock` consumes it.
 */
export interface LockedMark extends Disposable {
  /** Phantom: the handle's role (lock guard), spelled as the sentence a refused call shows. */
  readonly [roleKey]: 'Locked: a lock guard; it may write, and folioUnlock() gives it up';
}

/**
 * `&T` (Rust) — the role mark of a non-owning view: it can be read, never freed or put.
 *
 * Part of {@link Borrowed}.
 */
export interface BorrowedMark {
  /** Phantom: the handle's role (borrow), spelled as the sentence a refused call shows. */
  readonly [roleKey]: 'Borrowed: a view of a page someone else owns; it can be read, never freed or put';
}

/**
 * `Owned<T>` (Rust-for-Linux `Owned<T: Ownable>`) — the unique owner of `T`, what `alloc_pages()`
 * hands a C caller: freeing it (or leaving a `using` scope) releases `T`.
 *
 * **When to use**: as the type of what an allocation returns (`allocPages`, `pagetableAlloc`,
 * `memdescAlloc` of an ownable type) and of parameters that take ownership. Declare a variable that
 * is freed on some paths only as {@link MaybeConsumed} (`PageVar` for pages).
 *
 * **Gotchas**: ownership is tracked per variable. A second free or any use after the free is a
 * compile error in the same function; an alias (`const q = p`) or a helper that frees its argument
 * is not seen by the compiler, and the runtime catches the use (`USE_AFTER_FREE`, `DOUBLE_FREE`). A
 * spread copy or hand-made object is not a handle (`FOREIGN_HANDLE`).
 *
 * @example
 * ```ts
 * import { createMemory, allocPage, freePage, GFP_KERNEL, type Owned, type Page } from 'memdesc';
 * const mem = createMemory();
 * const p: Owned<Page<0>> | null = allocPage(mem, GFP_KERNEL);
 * if (p) freePage(p);
 * {
 *   using q = allocPage(mem, GFP_KERNEL); // freed when the block ends (Rust's Drop)
 * }
 * ```
 * @see {@link ARef}
 * @see {@link Borrowed}
 */
export type Owned<T> = T & OwnedMark;

/**
 * `ARef<T>` (Rust-for-Linux `ARef<T: AlwaysRefCounted>`) — one counted reference to `T`, what
 * `folio_get()` / `get_page()` give a C caller: putting it (or leaving a `using` scope) drops the
 * reference, and the last put frees `T`.
 *
 * **When to use**: as the type of a folio or refcounted memdesc that several holders share
 * (`folioAlloc`, `folioGet`, `getPage`, `memdescGet`).
 *
 * **Gotchas**: a reference is put, never freed: `freePages(ref, …)` is a compile error and
 * `FREE_BORROWED` at run time. A second put is a compile error in the same function and
 * `DOUBLE_FREE` at run time. Each `ARef` handle stands for exactly one reference; copying the
 * variable does not take another (use `folioGet`).
 *
 * @example
 * ```ts
 * import { createMemory, folioAlloc, folioGet, folioPut, GFP_KERNEL, type ARef, type Folio } from 'memdesc';
 * const mem = createMemory();
 * const a: ARef<Folio<0>> = folioAlloc(mem, GFP_KERNEL, 0)!;
 * {
 *   using b = folioGet(a); // put when the block ends
 * }
 * folioPut(a); // the last reference: the folio is freed
 * ```
 * @see {@link Owned}
 */
export type ARef<T> = T & ARefMark;

/**
 * `&T` (Rust) — a view of `T` that can be read but never freed or put; what `virt_to_page()`,
 * `vmalloc_to_page()`, `folio_page()` and `page_folio()` return in C, where nothing says so.
 *
 * **When to use**: as the type of a page or folio you look at while someone else owns it.
 *
 * **Gotchas**: freeing a borrow is a compile error and `FREE_BORROWED` at run time; putting one is
 * a compile error and `REFCOUNT_UNDERFLOW` (it holds no reference). A borrow goes stale when its
 * owner frees the memory: a later use is `USE_AFTER_FREE`, which the compiler cannot see.
 *
 * @example
 * ```ts
 * import { createMemory, allocPage, pageAddress, virtToPage, pageToPfn, freePage, MmError, GFP_KERNEL } from 'memdesc';
 * const mem = createMemory();
 * const p = allocPage(mem, GFP_KERNEL)!;
 * const view = virtToPage(pageAddress(p)); // Borrowed<Page<0, PageOwner>>
 * console.log(pageToPfn(view) === pageToPfn(p)); // true
 * try {
 *   // @ts-expect-error — a borrow cannot be freed
 *   freePage(view);
 * } catch (e) {
 *   console.log((e as MmError).code); // "FREE_BORROWED"
 * }
 * freePage(p);
 * ```
 */
export type Borrowed<T> = T & BorrowedMark;

/**
 * (no kernel counterpart) — the mark an assertion signature adds when a function consumes a handle
 * (free, put, unlock, move): after `freePage(p)`, `p` is `… & Consumed` and no API accepts it.
 *
 * It is one type for every consumer on purpose: a variable declared {@link MaybeConsumed} lists it
 * as a member, and TypeScript keeps a declared union through a join of paths only when each path's
 * type is one of its members. (That is also why it cannot carry its sentence as a type argument:
 * an instantiated generic mark stops being one type, and the join forgets the consumed path.)
 */
export interface Consumed {
  /** Phantom: set on a consumed handle; its type is the sentence a later use shows. */
  readonly [consumedKey]: MsgConsumed;
}

/**
 * (no kernel counterpart) — `true` if `T`, or any member of a union `T`, carries the
 * {@link Consumed} mark; the parameter types of `readRaw`, `virtToPage` and friends use it to
 * refuse a consumed handle with {@link MsgConsumed}.
 */
export type AnyConsumed<T> = true extends (T extends Consumed ? true : false) ? true : false;

/**
 * (no kernel counterpart) — the refusals every handle argument shares, as the sentence for kernel
 * function `Fn`: a handle that may be `null` ({@link MsgMaybeNull}), a consumed one
 * ({@link MsgConsumed}); `Otherwise` for anything else.
 */
export type HandleRefusal<Fn extends string, P, Otherwise> = null extends P
  ? MsgMaybeNull<Fn>
  : undefined extends P
    ? MsgMaybeNull<Fn>
    : AnyConsumed<P> extends true
      ? MsgConsumed
      : Otherwise;

/**
 * (no kernel counterpart) — {@link Live} without its printed label: "no consumed mark". It is the
 * liveness part of the shape an argument check shows beside its sentence (`Expected<…>`), where
 * the label would only repeat what the sentence says. Write `Live` in your own code.
 */
export interface Unconsumed {
  /** Phantom: absent on a live handle (a consumed one has it, see {@link Consumed}). */
  readonly [consumedKey]?: never;
}

/**
 * (no kernel counterpart) — "not consumed": every API that accepts a handle requires this, so a
 * handle that was freed, put, unlocked or moved is refused at compile time.
 *
 * Its type parameter is only a label: it defaults to the rule {@link MsgLive}, and the compiler
 * prints it, so a consumed handle passed to a parameter of your own typed `Owned<Page<0>> & Live`
 * is refused with the rule in the first line: `… is not assignable to parameter of type
 * 'Page<0, PageOwner> & OwnedMark & Live<"a live handle: …">'`.
 *
 * @typeParam Why - the rule, as the sentence the compiler prints (only {@link MsgLive}).
 */
export interface Live<Why extends MsgLive = MsgLive> {
  /** Phantom: absent on a live handle (a consumed one has it, see {@link Consumed}). */
  readonly [consumedKey]?: never;
}

/**
 * (no kernel counterpart) — the declared type of a variable that may be consumed on some paths and
 * not others:
 *
 * ```ts
 * const p: MaybeConsumed<Owned<Page<0>>> = allocPage(mem, GFP_KERNEL)!;
 * if (cond) freePage(p);
 * readRaw(p, buf, 0); // refused: p may have been freed
 * ```
 *
 * Without it, TypeScript merges "freed" and "not freed" back into the plain handle type where the
 * paths join, and the possible use after free goes unseen. For pages, {@link PageVar} is the short
 * form.
 */
export type MaybeConsumed<T> = T | (T & Consumed);

declare const capOwnable: unique symbol;
declare const capRefCounted: unique symbol;
declare const capAlways: unique symbol;
declare const capOwnableRc: unique symbol;
declare const Ownable_and_AlwaysRefCounted_exclude_each_other: unique symbol;

/**
 * `Ownable` (Rust-for-Linux `trait Ownable`) — can have a unique owner (`Owned<T>`): page-table
 * pages (`PtDesc`) and user memdescs defined with `ownable: true`.
 */
export interface Ownable {
  /** Phantom: the `Ownable` capability. */
  readonly [capOwnable]: true;
  /** Ownable and AlwaysRefCounted exclude each other: see {@link MsgOwnableAlwaysRefCounted}. */
  readonly [Ownable_and_AlwaysRefCounted_exclude_each_other]: 'Ownable: an Owned<T> is the only handle to it';
}

/** `RefCounted` (Rust-for-Linux) — has a reference count; `ARef<T>` holds one reference. */
export interface RefCounted {
  /** Phantom: the `RefCounted` capability. */
  readonly [capRefCounted]: true;
}

/**
 * `AlwaysRefCounted` (Rust-for-Linux `unsafe trait AlwaysRefCounted`) — a counted reference may be
 * taken from any borrow: folios, whose `folio_get()` works on any pointer to them. Declaring a type
 * that extends both this and {@link Ownable} is a compile error where the type is defined (the two
 * `[Ownable_and_AlwaysRefCounted_exclude_each_other]` sentences conflict).
 */
export interface AlwaysRefCounted extends RefCounted {
  /** Phantom: the `AlwaysRefCounted` capability. */
  readonly [capAlways]: true;
  /** Ownable and AlwaysRefCounted exclude each other: see {@link MsgOwnableAlwaysRefCounted}. */
  readonly [Ownable_and_AlwaysRefCounted_exclude_each_other]: 'AlwaysRefCounted: a reference may be taken from any borrow, so no handle is ever unique';
}

/**
 * `OwnableRefCounted` (Rust-for-Linux `trait OwnableRefCounted`) — refcounted, and convertible
 * between a unique `Owned<T>` and shared `ARef<T>` (`intoShared` / `tryFromShared`).
 */
export interface OwnableRefCounted extends Ownable, RefCounted {
  /** Phantom: the `OwnableRefCounted` capability. */
  readonly [capOwnableRc]: true;
}

/**
 * (no kernel counterpart; Rust-for-Linux's rule that `Ownable` excludes `AlwaysRefCounted`) —
 * checks a capability set at the point where a memdesc type is defined: resolves to the set, or
 * to {@link MsgOwnableAlwaysRefCounted} when it is both Ownable and AlwaysRefCounted.
 */
export type CheckCapabilities<Caps> = [Caps] extends [
  Ownable & {
    /** Phantom: the `AlwaysRefCounted` capability, next to `Ownable`. */
    readonly [capAlways]: true;
  },
]
  ? MsgOwnableAlwaysRefCounted
  : Caps;
