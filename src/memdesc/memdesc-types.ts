/**
 * Your own memdesc, as types: the instance and descriptor types `defineMemdesc` makes, the
 * capability flags, and the argument checks of `memdescFree`, `memdescGet`, `memdescPut`,
 * `intoShared` and `tryFromShared` — each refusal a sentence naming the type and the rule. The
 * functions are in `define.ts`.
 *
 * @module
 */
import type {
  MsgIntoSharedHandle,
  MsgMemdescFreeARef,
  MsgMemdescFreeHandle,
  MsgMemdescFreeNotOwnable,
  MsgMemdescPutHandle,
  MsgMemdescPutNotRefcounted,
  MsgNotMemdesc,
  MsgNotOwnableRefCounted,
  MsgOwnableAlwaysRefCounted,
  MsgTryFromSharedHandle,
} from '../types/messages.js';
import type { ARef, ARefMark, AlwaysRefCounted, Checked, HandleRefusal, Live, Unconsumed, MemdescKindMark, Ownable, Owned, RefCounted } from '../types/ownership.js';
import type { Expected } from '../types/page.js';

/**
 * `Ownable` / `RefCounted` / `AlwaysRefCounted` (Rust-for-Linux traits), as flags — a memdesc
 * type's capabilities, as types; `capabilities` of a {@link MemdescType}.
 */
export interface MemdescCaps {
  /** It can have a unique owner (`Owned<T>`, Rust-for-Linux `Ownable`). */
  readonly ownable: boolean;
  /** It has a reference count (`ARef<T>`, Rust-for-Linux `RefCounted`). */
  readonly refcounted: boolean;
  /** A reference may be taken from any borrow (`AlwaysRefCounted`); implies `refcounted`. */
  readonly alwaysRefCounted: boolean;
}

declare const mdName: unique symbol;
declare const mdOrder: unique symbol;
declare const mdCaps: unique symbol;
declare const mdOwnable: unique symbol;
declare const mdRefcounted: unique symbol;
declare const mdTypeBrand: unique symbol;

/**
 * (no kernel counterpart yet: a driver's own memdesc in Matthew Wilcox's plan, which
 * `page->memdesc` would point to) — an instance of a user-defined memdesc `Name`: a block of
 * 2^Order pages it owns, with the lifecycle its capabilities `Caps` allow.
 *
 * **When to use**: as the type of handles to your own memdesc: `Owned<Memdesc<…>>` for an ownable
 * type, `ARef<Memdesc<…>>` for a refcounted one, `Borrowed<…>` from `pageMemdesc`. Usually spelled
 * `InstanceOf<typeof MyType>`.
 *
 * **Gotchas**: its pages belong to it: `getPage` of one is a compile error and `NOT_REFCOUNTED`,
 * and `freePages` of it is `BAD_PAGE_STATE`. Which of `memdescFree` / `memdescGet` / `memdescPut`
 * compile depends on `Caps`.
 *
 * @example
 * ```ts
 * import { createMemory, defineMemdesc, memdescAlloc, memdescFree, GFP_KERNEL, type InstanceOf, type Owned } from 'memdesc';
 * const BinderPage = defineMemdesc({ name: 'binder_page', ownable: true });
 * type BinderPage = InstanceOf<typeof BinderPage>; // Memdesc<'binder_page', 0, …> & Ownable
 * const slots: Owned<BinderPage>[] = [];
 * const mem = createMemory();
 * const p = memdescAlloc(mem, BinderPage, GFP_KERNEL);
 * if (p) slots.push(p);
 * for (const s of slots.splice(0)) memdescFree(s);
 * ```
 * @see {@link defineMemdesc}
 */
export interface Memdesc<Name extends string = string, Order extends number = number, Caps extends MemdescCaps = MemdescCaps>
  extends MemdescKindMark<'memdesc'> {
  /** Phantom: the type's literal name. */
  readonly [mdName]: Name;
  /** Phantom: the order of each instance's block. */
  readonly [mdOrder]: Order;
  /** Phantom: the type's capabilities ({@link MemdescCaps}). */
  readonly [mdCaps]: Caps;
  /** Phantom: `Caps['ownable']` at the top level, so handles of types that differ in it never mix. */
  readonly [mdOwnable]: Caps['ownable'];
  /** Phantom: `Caps['refcounted']` at the top level, so handles of types that differ in it never mix. */
  readonly [mdRefcounted]: Caps['refcounted'];
}

/**
 * `T: Ownable + RefCounted + …` (Rust-for-Linux trait bounds) for a caps set — the capability
 * marker interfaces (`Ownable`, `RefCounted`, `AlwaysRefCounted`) a {@link MemdescCaps} set stands
 * for, intersected.
 */
export type CapabilityMarkers<Caps extends MemdescCaps> = (Caps['ownable'] extends true ? Ownable : unknown) &
  (Caps['refcounted'] extends true ? RefCounted : unknown) &
  (Caps['alwaysRefCounted'] extends true ? AlwaysRefCounted : unknown);

/**
 * (no kernel counterpart yet: the `MEMDESC_TYPE_*` tag and `struct` of a driver's own memdesc) —
 * the descriptor type returned by {@link defineMemdesc}: allocate instances with
 * {@link memdescAlloc}, find them from a page with {@link pageMemdesc}.
 */
export interface MemdescType<Name extends string = string, Order extends number = number, Caps extends MemdescCaps = MemdescCaps> {
  /** Phantom: the instance type this descriptor allocates. */
  readonly [mdTypeBrand]: Memdesc<Name, Order, Caps>;
  /** The type's name, as given to `defineMemdesc` (it names the type in reports). */
  readonly name: Name;
  /** The order of each instance's block (0 unless the spec said otherwise). */
  readonly order: Order;
  /** The capabilities the spec declared, frozen. */
  readonly capabilities: Caps;
}

/**
 * (no kernel counterpart; what a memdesc's release callback would receive) — what the release hook
 * learns when an instance's lifetime ends.
 */
export interface MemdescReleaseInfo {
  /** The memdesc type's name. */
  readonly name: string;
  /** The instance's head page frame number. */
  readonly pfn: number;
  /** The order of the instance's block. */
  readonly order: number;
}

/**
 * (no kernel counterpart yet) — the definition of a memdesc type: its name, its lifecycle (the
 * capability flags) and the order of its blocks. Passed to {@link defineMemdesc} as a literal.
 */
export interface MemdescSpec {
  /** The type's name (a literal: it becomes part of the type). */
  readonly name: string;
  /** It can have a unique owner (`Owned<T>`). */
  readonly ownable?: boolean;
  /** It has a reference count (`ARef<T>`). */
  readonly refcounted?: boolean;
  /** A reference may be taken from any borrow (implies refcounted). Excludes `ownable`. */
  readonly alwaysRefCounted?: boolean;
  /** The order of each instance's block (default 0). */
  readonly order?: number;
}

/**
 * `Ownable::release` / the last `AlwaysRefCounted::dec_ref` (Rust-for-Linux) — called when an
 * instance's lifetime ends, before its pages go back to the page allocator. (A separate argument of
 * `defineMemdesc`, not a spec field: a callback inside the spec would stop TypeScript from
 * inferring the spec's literal types.) While it runs the instance is already dying, as in Rust's
 * `drop`: it may read the instance's memory, but the handle being freed is consumed and the count
 * is 0, so freeing or putting the instance again is `DOUBLE_FREE` and taking a new reference from
 * a borrow is `USE_AFTER_FREE`. If it throws, the instance stays allocated and its handle live.
 */
export type MemdescRelease = (info: MemdescReleaseInfo) => void;

/**
 * (no kernel counterpart) — one capability flag of a spec, as a type: `true`, `false` (or left
 * out), or `boolean` when not known at compile time.
 */
export type Flag<S, K extends 'ownable' | 'refcounted' | 'alwaysRefCounted'> = K extends keyof S
  ? [S[K]] extends [true]
    ? true
    : [S[K]] extends [false | undefined]
      ? false
      : boolean
  : false;

/**
 * (no kernel counterpart) — the {@link MemdescCaps} a spec declares; `alwaysRefCounted` implies
 * `refcounted`.
 */
export type CapsOf<S extends MemdescSpec> = {
  /** Whether the spec says `ownable: true`. */
  readonly ownable: Flag<S, 'ownable'>;
  /** Whether the spec says `refcounted: true` or `alwaysRefCounted: true`. */
  readonly refcounted: Flag<S, 'alwaysRefCounted'> extends true ? true : Flag<S, 'refcounted'>;
  /** Whether the spec says `alwaysRefCounted: true`. */
  readonly alwaysRefCounted: Flag<S, 'alwaysRefCounted'>;
};

/**
 * (no kernel counterpart) — a memdesc with no lifecycle at all (neither ownable nor refcounted),
 * refused by `defineMemdesc` at compile time; at run time `INVALID_ARGUMENT`.
 */
export type MsgNoLifecycle = 'defineMemdesc(): a memdesc needs a lifecycle: ownable, refcounted, alwaysRefCounted, or ownable + refcounted';

/**
 * `Ownable` excludes `AlwaysRefCounted` (Rust-for-Linux), checked on `defineMemdesc`'s spec —
 * `unknown` (no constraint) for a consistent capability set, else the sentence that refuses it
 * ({@link MsgOwnableAlwaysRefCounted}, {@link MsgNoLifecycle}); the parameter becomes `spec &
 * sentence`, which no object is.
 */
export type SpecArg<S extends MemdescSpec> = [Flag<S, 'ownable'>, Flag<S, 'alwaysRefCounted'>] extends [true, true]
  ? MsgOwnableAlwaysRefCounted
  : [CapsOf<S>['ownable'], CapsOf<S>['refcounted']] extends [false, false]
    ? MsgNoLifecycle
    : unknown;

/** (no kernel counterpart) — the order a spec declares, `0` when it gives none. */
export type SpecOrder<S extends MemdescSpec> = S['order'] extends number ? S['order'] : 0;

/**
 * (no kernel counterpart) — the instance type of a descriptor type: `Memdesc<Name, Order, Caps>`
 * with its capability markers. `InstanceOf<typeof MyType>` names the handles of `MyType`.
 */
export type InstanceOf<D> = D extends MemdescType<infer N, infer O, infer C> ? Memdesc<N, O, C> & CapabilityMarkers<C> : never;

/**
 * (no kernel counterpart) — the handle `memdescAlloc` returns: `Owned` for an ownable type
 * (including an OwnableRefCounted one), else `ARef` with a count of 1.
 */
export type AllocatedHandle<D> = D extends MemdescType<string, number, infer C>
  ? C['ownable'] extends true
    ? Owned<InstanceOf<D>>
    : ARef<InstanceOf<D>>
  : never;

/**
 * (no kernel counterpart) — instances of any memdesc type whose caps satisfy `C`; the constraint of
 * `memdescFree`, `memdescPut`, `intoShared` and `tryFromShared`.
 */
export type WithCaps<C> = Memdesc<string, number, MemdescCaps & C>;

/**
 * (no kernel counterpart) — the instance type of a handle type, without its role: what a getter
 * returns a new handle to (`memdescGet`, `intoShared`, `tryFromShared`).
 */
export type SameDesc<H> = H extends Memdesc<infer N, infer O, infer C> ? Memdesc<N, O, C> & CapabilityMarkers<C> : never;

/**
 * `AlwaysRefCounted::inc_ref`'s rules (Rust-for-Linux), checked on `memdescGet`'s argument — the
 * handle, or the sentence that refuses it: a type without a refcount, or (unless
 * `AlwaysRefCounted`) a borrow or the `Owned` handle.
 */
export type MemdescGetArg<H> = HandleRefusal<
  'memdescGet()',
  H,
  [H] extends [Memdesc<infer N, number, infer C>]
    ? C['refcounted'] extends false
      ? `memdescGet(): "${N}" is not refcounted: its owner decides its lifetime`
      : C['alwaysRefCounted'] extends true
        ? H
        : Checked<H> extends Checked<ARefMark>
          ? H
          : `memdescGet(): "${N}" can be counted only from an ARef, not from a borrow or its Owned handle (it is not AlwaysRefCounted)`
    : MsgNotMemdesc<'memdescGet()'>
>;

/** (no kernel counterpart) — the name of the memdesc type behind a handle type (`string` when it is not a memdesc). */
export type MemdescNameOf<H> = [H] extends [Memdesc<infer N, number, MemdescCaps>] ? N : string;

/**
 * `Ownable::release`'s receiver, checked on `memdescFree`'s argument — the live `Owned` handle of an
 * ownable type, or the sentence that refuses it: a type that is not ownable
 * ({@link MsgMemdescFreeNotOwnable}), a reference to an OwnableRefCounted one
 * ({@link MsgMemdescFreeARef}), a borrow or a page ({@link MsgMemdescFreeHandle}).
 */
export type MemdescFreeArg<H> = Checked<H> extends Checked<Owned<WithCaps<OwnableCap>> & Live>
  ? H
  : NoInfer<
      | HandleRefusal<
          'memdescFree()',
          H,
          Checked<H> extends Checked<WithCaps<NotOwnableCap>>
            ? MsgMemdescFreeNotOwnable<MemdescNameOf<H>>
            : Checked<H> extends Checked<Memdesc & ARefMark>
              ? MsgMemdescFreeARef<MemdescNameOf<H>>
              : MsgMemdescFreeHandle
        >
      | Expected<Owned<WithCaps<OwnableCap>> & Unconsumed, H>
    >;

/**
 * `AlwaysRefCounted::dec_ref`'s receiver, checked on `memdescPut`'s argument — a live reference
 * (`ARef`) to a refcounted type, or the sentence that refuses it: a type without a refcount
 * ({@link MsgMemdescPutNotRefcounted}), an `Owned` handle, a borrow or a page
 * ({@link MsgMemdescPutHandle}).
 */
export type MemdescPutArg<R> = Checked<R> extends Checked<ARef<WithCaps<RefcountedCap>> & Live>
  ? R
  : NoInfer<
      | HandleRefusal<
          'memdescPut()',
          R,
          Checked<R> extends Checked<WithCaps<NotRefcountedCap>>
            ? MsgMemdescPutNotRefcounted<MemdescNameOf<R>>
            : MsgMemdescPutHandle
        >
      | Expected<ARef<WithCaps<RefcountedCap>> & Unconsumed, R>
    >;

/**
 * Why an OwnableRefCounted conversion (`intoShared`, `tryFromShared`) refuses `H`: the type is not
 * OwnableRefCounted ({@link MsgNotOwnableRefCounted}), or the handle has the wrong role
 * (`RoleMsg`).
 */
export type OrcRefusal<Fn extends string, H, RoleMsg> = Checked<H> extends Checked<WithCaps<OwnableRefCountedCaps>>
  ? RoleMsg
  : Checked<H> extends Checked<Memdesc>
    ? MsgNotOwnableRefCounted<Fn, MemdescNameOf<H>>
    : RoleMsg;

/**
 * `OwnableRefCounted::into_shared`'s receiver — the live `Owned` handle of an OwnableRefCounted
 * type, or the sentence that refuses it ({@link MsgNotOwnableRefCounted}, {@link MsgIntoSharedHandle}).
 */
export type IntoSharedArg<H> = Checked<H> extends Checked<Owned<WithCaps<OwnableRefCountedCaps>> & Live>
  ? H
  : NoInfer<HandleRefusal<'intoShared()', H, OrcRefusal<'intoShared()', H, MsgIntoSharedHandle>> | Expected<Owned<WithCaps<OwnableRefCountedCaps>> & Unconsumed, H>>;

/**
 * `OwnableRefCounted::try_from_shared`'s receiver — a live reference (`ARef`) to an
 * OwnableRefCounted type, or the sentence that refuses it ({@link MsgNotOwnableRefCounted},
 * {@link MsgTryFromSharedHandle}).
 */
export type TryFromSharedArg<R> = Checked<R> extends Checked<ARef<WithCaps<OwnableRefCountedCaps>> & Live>
  ? R
  : NoInfer<
      | HandleRefusal<'tryFromShared()', R, OrcRefusal<'tryFromShared()', R, MsgTryFromSharedHandle>>
      | Expected<ARef<WithCaps<OwnableRefCountedCaps>> & Unconsumed, R>
    >;

/**
 * A memdesc parameter of `Fn` (`memdescRefCount()`, `memdescPage()`, `memdescAddress()`) — any live
 * handle of a user-defined memdesc, or the sentence that refuses the argument
 * ({@link MsgNotMemdesc}; a handle that may be `null` or is consumed).
 */
export type MemdescArg<H, Fn extends string> = Checked<H> extends Checked<Memdesc & Live>
  ? H
  : NoInfer<HandleRefusal<Fn, H, MsgNotMemdesc<Fn>> | Expected<Memdesc & Unconsumed, H>>;

/** The `ownable` capability, as `memdescFree` requires it ({@link WithCaps}). */
export interface OwnableCap {
  /** Only an ownable type's instance has a unique owner to free it. */
  readonly ownable: true;
}

/** The `refcounted` capability, as `memdescPut` requires it ({@link WithCaps}). */
export interface RefcountedCap {
  /** Only a refcounted type's instance has a reference to put. */
  readonly refcounted: true;
}

/** A type that is not ownable, as `memdescFree` refuses it ({@link WithCaps}). */
export interface NotOwnableCap {
  /** No unique owner: nothing can free it. */
  readonly ownable: false;
}

/** A type without a refcount, as `memdescPut` refuses it ({@link WithCaps}). */
export interface NotRefcountedCap {
  /** No reference count: nothing can be put. */
  readonly refcounted: false;
}

/** `OwnableRefCounted`'s two capabilities, as `intoShared` / `tryFromShared` require them ({@link WithCaps}). */
export interface OwnableRefCountedCaps {
  /** OwnableRefCounted: ownable… */
  readonly ownable: true;
  /** …and refcounted. */
  readonly refcounted: true;
}

/**
 * `Result<Owned<T>, ARef<T>>` (Rust-for-Linux `OwnableRefCounted::try_from_shared`) — what
 * {@link tryFromShared} returns: the unique owner, or the reference back, told apart by `.unique`
 * (every handle has it at run time: `true` for an owner). The marks of `Owned`/`ARef` do not
 * declare it, so that a refused call still names the role (`Borrowed: …` vs `Owned: …`) rather
 * than `Type 'false' is not assignable to type 'true'`.
 */
export type TryFromShared<T> =
  | (Owned<T> & {
      /** `true`: this was the only reference; the result is the unique owner. */
      readonly unique: true;
    })
  | (ARef<T> & {
      /** `false`: other references exist; the result is the reference given back. */
      readonly unique: false;
    });
