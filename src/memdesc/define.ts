/**
 * Your own memdesc. "With memdescs, you get to define your own data type" (Matthew Wilcox to the
 * Binder developers): a descriptor that owns pages and decides how they live and die — by a
 * unique owner (`Ownable`), by a reference count (`RefCounted`), a count that may be taken from any
 * borrow (`AlwaysRefCounted`), or both owner and count, convertible between them
 * (`OwnableRefCounted`, with `intoShared` / `tryFromShared`).
 *
 * The capability set is checked where the type is defined: `Ownable` together with
 * `AlwaysRefCounted` is refused (a reference taken from a borrow of the unique owner would break
 * its uniqueness), at compile time and with `INVALID_ARGUMENT` at run time. The runtime then
 * enforces the chosen lifecycle on every handle.
 *
 * @module
 */
import { MmError, describeValue, hexPfn, invalidArgument } from '../debug/mm-error.js';
import { verifyMemoryImpl } from '../debug/verify.js';
import { MAX_PAGE_ORDER, PAGE_SIZE } from '../page-alloc/constants.js';
import { __GFP_COMP } from '../page-alloc/gfp.js';
import { H, PageHandle, Role, checkHandle, setDisposer } from '../page-alloc/handle.js';
import { PageKind, PAGE_KIND_NAMES } from '../page-alloc/memmap.js';
import type { MemoryImpl } from '../page-alloc/memory.js';
import { badFreeReason, checkGfp, type AllocContext } from '../page-alloc/page-alloc.js';
import { contextMemory } from '../sync/spinlock.js';
import type { VirtAddr } from '../types/address.js';
import type { GfpArg } from '../types/gfp.js';
import type { MsgOwnableAlwaysRefCounted } from '../types/messages.js';
import type { ARef, ARefMark, AlwaysRefCounted, Borrowed, Consumed, Live, Ownable, Owned, RefCounted } from '../types/ownership.js';
import type { Page } from '../types/page.js';

/** A memdesc's capabilities, as types. */
export interface MemdescCaps {
  readonly ownable: boolean;
  readonly refcounted: boolean;
  readonly alwaysRefCounted: boolean;
}

declare const mdName: unique symbol;
declare const mdOrder: unique symbol;
declare const mdCaps: unique symbol;
declare const mdTypeBrand: unique symbol;

/** An instance of a user-defined memdesc `Name`: a block of 2^Order pages it owns. */
export interface Memdesc<Name extends string = string, Order extends number = number, Caps extends MemdescCaps = MemdescCaps> {
  readonly [mdName]: Name;
  readonly [mdOrder]: Order;
  readonly [mdCaps]: Caps;
}

/** The capability marker interfaces a caps set stands for. */
export type CapabilityMarkers<Caps extends MemdescCaps> = (Caps['ownable'] extends true ? Ownable : unknown) &
  (Caps['refcounted'] extends true ? RefCounted : unknown) &
  (Caps['alwaysRefCounted'] extends true ? AlwaysRefCounted : unknown);

/** The descriptor type returned by {@link defineMemdesc}: allocate instances with {@link memdescAlloc}. */
export interface MemdescType<Name extends string = string, Order extends number = number, Caps extends MemdescCaps = MemdescCaps> {
  readonly [mdTypeBrand]: Memdesc<Name, Order, Caps>;
  readonly name: Name;
  readonly order: Order;
  readonly capabilities: Caps;
}

/** What the release hook learns when an instance's lifetime ends. */
export interface MemdescReleaseInfo {
  readonly name: string;
  readonly pfn: number;
  readonly order: number;
}

/** The definition of a memdesc type. */
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
 * Called when an instance's lifetime ends, before its pages go back to the page allocator. (A
 * separate argument of `defineMemdesc`, not a spec field: a callback inside the spec would stop
 * TypeScript from inferring the spec's literal types.)
 */
export type MemdescRelease = (info: MemdescReleaseInfo) => void;

/** A spec flag as a type: `true`, `false` (or left out), or `boolean` when not known at compile time. */
type Flag<S, K extends 'ownable' | 'refcounted' | 'alwaysRefCounted'> = K extends keyof S
  ? [S[K]] extends [true]
    ? true
    : [S[K]] extends [false | undefined]
      ? false
      : boolean
  : false;

/** The caps a spec declares. */
export type CapsOf<S extends MemdescSpec> = {
  readonly ownable: Flag<S, 'ownable'>;
  readonly refcounted: Flag<S, 'alwaysRefCounted'> extends true ? true : Flag<S, 'refcounted'>;
  readonly alwaysRefCounted: Flag<S, 'alwaysRefCounted'>;
};

/** A memdesc with no lifecycle at all. */
export type MsgNoLifecycle = 'defineMemdesc(): a memdesc needs a lifecycle: ownable, refcounted, alwaysRefCounted, or ownable + refcounted';

/**
 * The check on `defineMemdesc`'s spec: `unknown` (no constraint) for a consistent capability set,
 * else the sentence that refuses it (the parameter becomes `spec & sentence`, which no object is).
 */
export type SpecArg<S extends MemdescSpec> = [Flag<S, 'ownable'>, Flag<S, 'alwaysRefCounted'>] extends [true, true]
  ? MsgOwnableAlwaysRefCounted
  : [CapsOf<S>['ownable'], CapsOf<S>['refcounted']] extends [false, false]
    ? MsgNoLifecycle
    : unknown;

type SpecOrder<S extends MemdescSpec> = S['order'] extends number ? S['order'] : 0;

/** The instance type of a descriptor type. */
export type InstanceOf<D> = D extends MemdescType<infer N, infer O, infer C> ? Memdesc<N, O, C> & CapabilityMarkers<C> : never;

/** The handle `memdescAlloc` returns: `Owned` for an ownable type, else `ARef`. */
export type AllocatedHandle<D> = D extends MemdescType<string, number, infer C>
  ? C['ownable'] extends true
    ? Owned<InstanceOf<D>>
    : ARef<InstanceOf<D>>
  : never;

/** Instances whose caps satisfy `C`. */
type WithCaps<C> = Memdesc<string, number, MemdescCaps & C>;

/** The handle types a getter returns for an instance type. */
type SameDesc<H> = H extends Memdesc<infer N, infer O, infer C> ? Memdesc<N, O, C> & CapabilityMarkers<C> : never;

/** Why `memdescGet` refuses a handle, or the handle. */
export type MemdescGetArg<H> =
  H extends Memdesc<infer N, number, infer C>
    ? C['refcounted'] extends false
      ? `memdescGet(): "${N}" is not refcounted: its owner decides its lifetime`
      : C['alwaysRefCounted'] extends true
        ? H
        : [H] extends [ARefMark]
          ? H
          : `memdescGet(): "${N}" can be counted only from an ARef, not from a borrow or its Owned handle (it is not AlwaysRefCounted)`
    : never;

// ---------------------------------------------------------------------------------- runtime

class DescImpl {
  readonly #id: number;
  readonly name: string;
  readonly order: number;
  readonly capabilities: MemdescCaps;
  readonly release: ((info: MemdescReleaseInfo) => void) | undefined;
  constructor(id: number, name: string, order: number, caps: MemdescCaps, release: ((info: MemdescReleaseInfo) => void) | undefined) {
    this.#id = id;
    this.name = name;
    this.order = order;
    this.capabilities = caps;
    this.release = release;
    Object.freeze(this);
  }
  static is(x: unknown): x is DescImpl {
    return typeof x === 'object' && x !== null && #id in x;
  }
  static id(d: DescImpl): number {
    return d.#id;
  }
}

/** Every descriptor type defined in this process; a page's memmap row (u1) holds its index + 1. */
const descs: DescImpl[] = [];

/**
 * Defines a memdesc type. The name is a literal; the capability set is checked here.
 *
 * **When to use**: a driver that owns its pages and wants its own lifecycle rules, as Binder
 * could (see examples/binder).
 *
 * **Gotchas**: `ownable` with `alwaysRefCounted` is a compile error (and `INVALID_ARGUMENT` from
 * plain JS), as is a type with no lifecycle at all. The optional `release` hook runs when an
 * instance's lifetime ends; if it throws, the instance stays allocated.
 *
 * @example
 * ```ts
 * import { defineMemdesc } from 'memdesc';
 * const BinderPage = defineMemdesc({ name: 'binder_page', ownable: true });
 * const Shared = defineMemdesc({ name: 'shared_buf', ownable: true, refcounted: true }); // OwnableRefCounted
 * const Traced = defineMemdesc({ name: 'traced', refcounted: true }, (info) => console.log('released', info.pfn));
 * ```
 */
export function defineMemdesc<const S extends MemdescSpec>(
  spec: S & SpecArg<S>,
  release?: MemdescRelease,
): MemdescType<S['name'], SpecOrder<S>, CapsOf<S>> {
  const fn = 'defineMemdesc';
  const s = spec as unknown as MemdescSpec;
  if (typeof s !== 'object' || s === null) invalidArgument(fn, 'spec must be an object', s);
  if (typeof s.name !== 'string' || s.name.length === 0) invalidArgument(fn, 'name must be a non-empty string', s.name);
  for (const k of ['ownable', 'refcounted', 'alwaysRefCounted'] as const) {
    if (s[k] !== undefined && typeof s[k] !== 'boolean') invalidArgument(fn, `${k} must be a boolean`, s[k]);
  }
  const order = s.order ?? 0;
  if (typeof order !== 'number' || order >>> 0 !== order || order > MAX_PAGE_ORDER) {
    invalidArgument(fn, `order must be an integer in 0..${MAX_PAGE_ORDER}`, s.order);
  }
  if (release !== undefined && typeof release !== 'function') invalidArgument(fn, 'release must be a function', release);
  const always = s.alwaysRefCounted === true;
  const caps: MemdescCaps = { ownable: s.ownable === true, refcounted: s.refcounted === true || always, alwaysRefCounted: always };
  if (caps.ownable && always) {
    throw new MmError(
      'INVALID_ARGUMENT',
      `defineMemdesc("${s.name}"): a memdesc cannot be both Ownable and AlwaysRefCounted: an ARef taken from a borrow of an Owned value would break its uniqueness`,
    );
  }
  if (!caps.ownable && !caps.refcounted) invalidArgument(fn, 'a memdesc needs a lifecycle (ownable and/or refcounted)', s.name);
  const d = new DescImpl(descs.length + 1, s.name, order, Object.freeze(caps), release);
  descs.push(d);
  return d as unknown as MemdescType<S['name'], SpecOrder<S>, CapsOf<S>>;
}

function paranoid(mem: MemoryImpl): void {
  if (mem.paranoid) verifyMemoryImpl(mem);
}

/** A live handle of a user memdesc, with its descriptor, or throws. */
function mdHandle(x: unknown, fn: string, freeing: boolean): { h: PageHandle; d: DescImpl; mem: MemoryImpl; head: number } {
  const h = checkHandle(x, fn, freeing);
  const mem = H.mem(h);
  const head = H.head(h);
  const kind = mem.map.kind[head]!;
  const d = kind === PageKind.Custom ? descs[mem.map.u1[head]! - 1] : undefined;
  if (d === undefined || H.pfn(h) !== head || H.pageView(h)) {
    throw new MmError('INVALID_ARGUMENT', `${fn}(): pfn:${hexPfn(H.pfn(h))} is a ${PAGE_KIND_NAMES[kind]} page, not an instance of a memdesc type`, H.pfn(h));
  }
  return { h, d, mem, head };
}

/**
 * Allocates an instance of a memdesc type: `Owned` for an ownable type, an `ARef` (count 1) for a
 * refcounted one.
 *
 * @example
 * ```ts
 * import { createMemory, defineMemdesc, memdescAlloc, memdescFree, GFP_KERNEL } from 'memdesc';
 * const BinderPage = defineMemdesc({ name: 'binder_page', ownable: true });
 * const page = memdescAlloc(createMemory(), BinderPage, GFP_KERNEL);
 * if (page) memdescFree(page);
 * ```
 */
export function memdescAlloc<Ctx extends AllocContext, D extends MemdescType, G extends number>(
  ctx: Ctx,
  desc: D,
  gfp: GfpArg<Ctx, G>,
): AllocatedHandle<D> | null {
  const fn = 'memdescAlloc';
  const g = checkGfp(gfp, fn);
  const mem = contextMemory(ctx, g, fn);
  if (!DescImpl.is(desc)) throw new MmError('FOREIGN_HANDLE', `BUG: ${fn}(): ${describeValue(desc)} is not a type made by defineMemdesc()`);
  mem.tick();
  const order = desc.order;
  const flags = order > 0 ? g | __GFP_COMP : g;
  const pfn = mem.allocBlock(flags, order);
  if (pfn < 0) return null;
  mem.prepBlock(pfn, order, flags, PageKind.Custom);
  mem.map.u1[pfn] = DescImpl.id(desc);
  mem.map.u0[pfn] = desc.capabilities.refcounted ? 1 : 0;
  paranoid(mem);
  const role = desc.capabilities.ownable ? Role.Owned : Role.Shared;
  return new PageHandle(mem, pfn, pfn, mem.map.gen[pfn]!, order, role) as unknown as AllocatedHandle<D>;
}

function endLifetime(mem: MemoryImpl, d: DescImpl, head: number): void {
  const bad = badFreeReason(mem, head);
  if (bad !== null) throw mem.badPage(head, bad);
  d.release?.({ name: d.name, pfn: head, order: d.order });
}

/**
 * Frees an instance through its unique owner; consumes the handle.
 *
 * **Gotchas**: only an ownable type's `Owned` handle may free (`FREE_BORROWED` otherwise); a second
 * free is `DOUBLE_FREE`.
 *
 * @example
 * ```ts
 * import { createMemory, defineMemdesc, memdescAlloc, memdescFree, GFP_KERNEL } from 'memdesc';
 * const T = defineMemdesc({ name: 'mine', ownable: true });
 * const x = memdescAlloc(createMemory(), T, GFP_KERNEL)!;
 * memdescFree(x);
 * ```
 */
export function memdescFree<H extends Owned<WithCaps<{ readonly ownable: true }>> & Live>(owned: H): asserts owned is H & Consumed {
  freeMd(owned, 'memdescFree');
}

function freeMd(owned: unknown, fn: string): void {
  const { h, d, mem, head } = mdHandle(owned, fn, true);
  if (H.role(h) !== Role.Owned) {
    throw new MmError('FREE_BORROWED', `BUG: ${fn}(): "${d.name}" pfn:${hexPfn(head)}: only its Owned handle may free it`, head);
  }
  if (d.capabilities.refcounted && mem.map.u0[head] !== 1) {
    throw mem.badPage(head, `freed by its owner while ${mem.map.u0[head]! - 1} other reference(s) are held`);
  }
  endLifetime(mem, d, head);
  H.kill(h);
  mem.tick();
  mem.releaseBlock(head, d.order);
  paranoid(mem);
}

/**
 * Takes a reference: from any live view for an AlwaysRefCounted type, from an ARef for a
 * refcounted one.
 *
 * **Gotchas**: a type without a refcount is a compile error and `NOT_REFCOUNTED`; counting from a
 * borrow or the Owned handle of a type that is not AlwaysRefCounted likewise.
 *
 * @example
 * ```ts
 * import { createMemory, defineMemdesc, memdescAlloc, memdescGet, memdescPut, GFP_KERNEL } from 'memdesc';
 * const Buf = defineMemdesc({ name: 'buf', refcounted: true });
 * const a = memdescAlloc(createMemory(), Buf, GFP_KERNEL)!;
 * const b = memdescGet(a);
 * memdescPut(a);
 * memdescPut(b);
 * ```
 */
export function memdescGet<Hd extends Memdesc & Live>(handle: MemdescGetArg<Hd>): ARef<SameDesc<Hd>> {
  const fn = 'memdescGet';
  const { h, d, mem, head } = mdHandle(handle, fn, false);
  if (!d.capabilities.refcounted) {
    throw new MmError('NOT_REFCOUNTED', `BUG: ${fn}(): "${d.name}" has no refcount: its owner decides its lifetime`, head);
  }
  if (!d.capabilities.alwaysRefCounted && H.role(h) !== Role.Shared) {
    throw new MmError(
      'NOT_REFCOUNTED',
      `BUG: ${fn}(): "${d.name}" is not AlwaysRefCounted: a reference may be taken only from an ARef, not from a borrow or its Owned handle`,
      head,
    );
  }
  mem.tick();
  mem.map.u0[head]!++;
  return new PageHandle(mem, head, head, H.gen(h), d.order, Role.Shared) as unknown as ARef<SameDesc<Hd>>;
}

/**
 * Gives back a reference; the last one ends the instance's lifetime. Consumes the handle.
 *
 * **Gotchas**: a put through a borrow is `REFCOUNT_UNDERFLOW`; a second put `DOUBLE_FREE`.
 *
 * @example
 * ```ts
 * import { createMemory, defineMemdesc, memdescAlloc, memdescPut, GFP_KERNEL } from 'memdesc';
 * const Buf = defineMemdesc({ name: 'buf2', refcounted: true });
 * memdescPut(memdescAlloc(createMemory(), Buf, GFP_KERNEL)!);
 * ```
 */
export function memdescPut<R extends ARef<WithCaps<{ readonly refcounted: true }>> & Live>(ref: R): asserts ref is R & Consumed {
  putMd(ref, 'memdescPut');
}

function putMd(ref: unknown, fn: string): void {
  const { h, d, mem, head } = mdHandle(ref, fn, true);
  if (!d.capabilities.refcounted) {
    throw new MmError('NOT_REFCOUNTED', `BUG: ${fn}(): "${d.name}" has no refcount: free it through its owner`, head);
  }
  if (H.role(h) === Role.Owned) {
    throw new MmError('INVALID_ARGUMENT', `${fn}(): "${d.name}" pfn:${hexPfn(head)}: an Owned handle is freed with memdescFree(), not put`, head);
  }
  if (H.role(h) !== Role.Shared) {
    throw new MmError('REFCOUNT_UNDERFLOW', `BUG: ${fn}(): "${d.name}" pfn:${hexPfn(head)} put through a borrow, which holds no reference`, head);
  }
  const count = mem.map.u0[head]!;
  if (count === 1) endLifetime(mem, d, head);
  H.kill(h);
  mem.tick();
  if (count === 1) {
    mem.releaseBlock(head, d.order);
  } else {
    mem.map.u0[head] = count - 1;
  }
  paranoid(mem);
}

/**
 * Rust `OwnableRefCounted::into_shared` — turns the unique owner into a counted reference (count
 * stays 1). Consumes the Owned handle: TypeScript cannot narrow an argument of a call that returns
 * a value, so a later use of it is caught at run time (`USE_AFTER_FREE`), not at compile time.
 *
 * @example
 * ```ts
 * import { createMemory, defineMemdesc, memdescAlloc, intoShared, memdescPut, GFP_KERNEL } from 'memdesc';
 * const T = defineMemdesc({ name: 'orc', ownable: true, refcounted: true });
 * const owned = memdescAlloc(createMemory(), T, GFP_KERNEL)!;
 * const shared = intoShared(owned);
 * memdescPut(shared);
 * ```
 */
export function intoShared<Hd extends Owned<WithCaps<{ readonly ownable: true; readonly refcounted: true }>> & Live>(
  owned: Hd,
): ARef<SameDesc<Hd>> {
  const fn = 'intoShared';
  const { h, d, mem, head } = mdHandle(owned, fn, false);
  if (!(d.capabilities.ownable && d.capabilities.refcounted)) {
    throw new MmError('NOT_REFCOUNTED', `BUG: ${fn}(): "${d.name}" is not OwnableRefCounted`, head);
  }
  if (H.role(h) !== Role.Owned) throw new MmError('INVALID_ARGUMENT', `${fn}(): only the Owned handle of "${d.name}" can become shared`, head);
  H.move(h);
  return new PageHandle(mem, head, head, H.gen(h), d.order, Role.Shared) as unknown as ARef<SameDesc<Hd>>;
}

/** The result of {@link tryFromShared}: the unique owner, or the reference back. */
export type TryFromShared<T> = { readonly ok: true; readonly value: Owned<T> } | { readonly ok: false; readonly value: ARef<T> };

/**
 * Rust `OwnableRefCounted::try_from_shared` — the unique owner back, if this is the only
 * reference (`{ ok: true, value: Owned }`), else the reference back (`{ ok: false, value: ARef }`).
 * Consumes its argument either way (a later use is `USE_AFTER_FREE` at run time).
 *
 * @example
 * ```ts
 * import { createMemory, defineMemdesc, memdescAlloc, intoShared, tryFromShared, memdescFree, memdescPut, GFP_KERNEL } from 'memdesc';
 * const T = defineMemdesc({ name: 'orc2', ownable: true, refcounted: true });
 * const shared = intoShared(memdescAlloc(createMemory(), T, GFP_KERNEL)!);
 * const r = tryFromShared(shared);
 * if (r.ok) memdescFree(r.value);
 * else memdescPut(r.value);
 * ```
 */
export function tryFromShared<R extends ARef<WithCaps<{ readonly ownable: true; readonly refcounted: true }>> & Live>(
  ref: R,
): TryFromShared<SameDesc<R>> {
  const fn = 'tryFromShared';
  const { h, d, mem, head } = mdHandle(ref, fn, false);
  if (!(d.capabilities.ownable && d.capabilities.refcounted)) {
    throw new MmError('NOT_REFCOUNTED', `BUG: ${fn}(): "${d.name}" is not OwnableRefCounted`, head);
  }
  if (H.role(h) !== Role.Shared) throw new MmError('INVALID_ARGUMENT', `${fn}(): expects an ARef of "${d.name}"`, head);
  H.move(h);
  const unique = mem.map.u0[head] === 1;
  const value = new PageHandle(mem, head, head, H.gen(h), d.order, unique ? Role.Owned : Role.Shared);
  return { ok: unique, value } as unknown as TryFromShared<SameDesc<R>>;
}

/**
 * The reference count of a refcounted instance (0 for a type without one).
 *
 * @example
 * ```ts
 * import { createMemory, defineMemdesc, memdescAlloc, memdescRefCount, memdescPut, GFP_KERNEL } from 'memdesc';
 * const Buf = defineMemdesc({ name: 'buf3', refcounted: true });
 * const b = memdescAlloc(createMemory(), Buf, GFP_KERNEL)!;
 * console.log(memdescRefCount(b)); // 1
 * memdescPut(b);
 * ```
 */
export function memdescRefCount(handle: Memdesc & Live): number {
  const { mem, head } = mdHandle(handle, 'memdescRefCount', false);
  return mem.map.u0[head]!;
}

/**
 * A borrow of the n-th page of an instance (`getPage` refuses it: the page's owner is the memdesc).
 *
 * @example
 * ```ts
 * import { createMemory, defineMemdesc, memdescAlloc, memdescPage, pageToPfn, memdescFree, GFP_KERNEL } from 'memdesc';
 * const T = defineMemdesc({ name: 'two_pages', ownable: true, order: 1 });
 * const x = memdescAlloc(createMemory(), T, GFP_KERNEL)!;
 * console.log(pageToPfn(memdescPage(x, 1)));
 * memdescFree(x);
 * ```
 */
export function memdescPage(handle: Memdesc & Live, n: number): Borrowed<Page<0, 'custom'>> {
  const fn = 'memdescPage';
  const { h, d, mem, head } = mdHandle(handle, fn, false);
  if (typeof n !== 'number' || !Number.isInteger(n)) invalidArgument(fn, 'n must be an integer', n);
  if (n < 0 || n >= 1 << d.order) throw new MmError('OUT_OF_BOUNDS', `BUG: ${fn}(): index ${n} is outside "${d.name}" (${1 << d.order} pages)`, head);
  return new PageHandle(mem, head + n, head, H.gen(h), 0, Role.Borrowed, true) as unknown as Borrowed<Page<0, 'custom'>>;
}

/**
 * The instance's linear-map address.
 *
 * @example
 * ```ts
 * import { createMemory, defineMemdesc, memdescAlloc, memdescAddress, memdescFree, GFP_KERNEL } from 'memdesc';
 * const T = defineMemdesc({ name: 'addr_demo', ownable: true });
 * const x = memdescAlloc(createMemory(), T, GFP_KERNEL)!;
 * console.log(memdescAddress(x).toString(16));
 * memdescFree(x);
 * ```
 */
export function memdescAddress(handle: Memdesc & Live): VirtAddr<'custom'> {
  const { mem, head } = mdHandle(handle, 'memdescAddress', false);
  return (mem.linearBase + head * PAGE_SIZE) as VirtAddr<'custom'>;
}

/**
 * A borrow of the instance of `desc` a page belongs to, or `null` if it belongs to something else
 * (the memdesc analogue of `page_folio`).
 *
 * @example
 * ```ts
 * import { createMemory, defineMemdesc, memdescAlloc, memdescPage, pageMemdesc, memdescFree, GFP_KERNEL } from 'memdesc';
 * const T = defineMemdesc({ name: 'lookup', ownable: true });
 * const x = memdescAlloc(createMemory(), T, GFP_KERNEL)!;
 * console.log(pageMemdesc(memdescPage(x, 0), T) !== null); // true
 * memdescFree(x);
 * ```
 */
export function pageMemdesc<D extends MemdescType>(page: Page & Live, desc: D): Borrowed<InstanceOf<D>> | null {
  const h = checkHandle(page, 'pageMemdesc', false);
  if (!DescImpl.is(desc)) throw new MmError('FOREIGN_HANDLE', `BUG: pageMemdesc(): ${describeValue(desc)} is not a type made by defineMemdesc()`);
  const mem = H.mem(h);
  const head = H.head(h);
  if (mem.map.kind[head] !== PageKind.Custom || mem.map.u1[head] !== DescImpl.id(desc)) return null;
  return new PageHandle(mem, head, head, mem.map.gen[head]!, desc.order, Role.Borrowed) as unknown as Borrowed<InstanceOf<D>>;
}

setDisposer(PageKind.Custom, (h) => {
  if (H.role(h) === Role.Owned) freeMd(h, 'dispose');
  else if (H.role(h) === Role.Shared) putMd(h, 'dispose');
});
