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
import { MmError, describeValue, hexPfn, invalidArgument, optionKeys, readOptions } from '../debug/mm-error.js';
import { verifyMemoryImpl } from '../debug/verify.js';
import { MAX_PAGE_ORDER, PAGE_SIZE } from '../page-alloc/constants.js';
import { __GFP_COMP } from '../page-alloc/gfp.js';
import { H, PageHandle, Role, checkHandle, setDisposer } from '../page-alloc/handle.js';
import { PageKind, PAGE_KIND_NAMES } from '../page-alloc/memmap.js';
import type { MemoryImpl } from '../page-alloc/memory.js';
import { badFreeReason, checkGfp, type AllocContext } from '../page-alloc/page-alloc.js';
import { contextMemory } from '../sync/spinlock.js';
import type { VirtAddr } from '../types/address.js';
import type { CtxArg, GfpArg } from '../types/gfp.js';
import type { ARef, Borrowed, Consumed } from '../types/ownership.js';
import type { Page, PageArg } from '../types/page.js';
import type {
  AllocatedHandle,
  CapsOf,
  InstanceOf,
  IntoSharedArg,
  MemdescArg,
  MemdescCaps,
  MemdescFreeArg,
  MemdescGetArg,
  MemdescPutArg,
  MemdescRelease,
  MemdescReleaseInfo,
  MemdescSpec,
  MemdescType,
  SameDesc,
  SpecArg,
  SpecOrder,
  TryFromShared,
  TryFromSharedArg,
} from './memdesc-types.js';

export type * from './memdesc-types.js';

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

/** Every field of {@link MemdescSpec} (the compiler checks the list is complete). */
const SPEC_KEYS = optionKeys<MemdescSpec>()(['name', 'ownable', 'refcounted', 'alwaysRefCounted', 'order']);

/** Every descriptor type defined in this process; a page's memmap row (u1) holds its index + 1. */
const descs: DescImpl[] = [];

/**
 * (no kernel counterpart yet: a driver's own memdesc type in Matthew Wilcox's plan — "with
 * memdescs, you get to define your own data type") — defines a memdesc type. The name is a literal;
 * the capability set is checked here.
 *
 * **When to use**: a driver that owns its pages and wants its own lifecycle rules, as Binder
 * could (see examples/binder): `ownable` for pages with one owner, `refcounted` for shared ones,
 * `alwaysRefCounted` when references are taken from any pointer (like folios), `ownable` +
 * `refcounted` for an owner that can turn into shared references (`intoShared`).
 *
 * **Gotchas**: `ownable` with `alwaysRefCounted` is a compile error (and `INVALID_ARGUMENT` from
 * plain JS), as is a type with no lifecycle at all. A bad name, a non-boolean flag, or an order
 * outside 0..10 is `INVALID_ARGUMENT`, as is a spec that is an array or whose getter (or Proxy trap)
 * throws: each field is read once. The optional `release` hook runs when an instance's lifetime
 * ends; freeing or putting the instance again from inside it is `DOUBLE_FREE`; if it throws, the
 * instance stays allocated. Types are never unregistered (define them once,
 * at module level).
 *
 * @example
 * ```ts
 * import { defineMemdesc } from 'memdesc';
 * const BinderPage = defineMemdesc({ name: 'binder_page', ownable: true });
 * const Shared = defineMemdesc({ name: 'shared_buf', ownable: true, refcounted: true }); // OwnableRefCounted
 * const Traced = defineMemdesc({ name: 'traced', refcounted: true }, (info) => console.log('released', info.pfn));
 * export function refused() {
 *   // @ts-expect-error — a memdesc cannot be both Ownable and AlwaysRefCounted
 *   return defineMemdesc({ name: 'bad', ownable: true, alwaysRefCounted: true });
 * }
 * ```
 * @see {@link memdescAlloc}
 * @see {@link MemdescSpec}
 */
export function defineMemdesc<const S extends MemdescSpec>(
  spec: S & SpecArg<S>,
  release?: MemdescRelease,
): MemdescType<S['name'], SpecOrder<S>, CapsOf<S>> {
  const fn = 'defineMemdesc';
  // Each field read once, a throwing getter or Proxy trap refused (INVALID_ARGUMENT).
  const s = readOptions(fn, 'spec', spec, SPEC_KEYS) as MemdescSpec;
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
 * `alloc_pages()` for your own memdesc (no kernel counterpart yet) — allocates an instance of a
 * memdesc type: `Owned` for an ownable type, an `ARef` (count 1) for a refcounted one.
 *
 * **When to use**: for every instance; the block is 2^order pages (order from the spec), compound
 * when order > 0.
 *
 * **Gotchas**: `null` on failure; a sleeping GFP value in atomic context is a compile error
 * (`SLEEP_IN_ATOMIC`); something not made by `defineMemdesc` is `FOREIGN_HANDLE`.
 *
 * @example
 * ```ts
 * import { createMemory, defineMemdesc, memdescAlloc, memdescFree, GFP_KERNEL } from 'memdesc';
 * const BinderPage = defineMemdesc({ name: 'binder_page', ownable: true });
 * const page = memdescAlloc(createMemory(), BinderPage, GFP_KERNEL);
 * if (page) memdescFree(page);
 * ```
 * @see {@link memdescFree}
 * @see {@link memdescPut}
 */
export function memdescAlloc<Ctx, D extends MemdescType, G extends number>(
  ctx: CtxArg<Ctx>,
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

/**
 * Ends an instance's lifetime through handle `h`: checks the block may be freed, then runs the
 * release hook while the instance is already dying — `h` is consumed and the count is 0, so a hook
 * that frees or puts the instance again is `DOUBLE_FREE`, and one that takes a new reference from a
 * borrow is `USE_AFTER_FREE` (the kernel's `refcount_inc()` on zero). If the hook throws, the handle
 * and the count are restored and nothing is freed.
 */
function endLifetime(mem: MemoryImpl, d: DescImpl, h: PageHandle, head: number): void {
  const bad = badFreeReason(mem, head);
  if (bad !== null) throw mem.badPage(head, bad);
  const count = mem.map.u0[head]!;
  H.kill(h);
  mem.map.u0[head] = 0;
  if (d.release === undefined) return;
  try {
    d.release({ name: d.name, pfn: head, order: d.order });
  } catch (e) {
    if (mem.map.gen[head] === H.gen(h)) {
      mem.map.u0[head] = count;
      H.revive(h);
    }
    throw e;
  }
}

/**
 * `Owned<T>` drop (Rust-for-Linux `Ownable::release`) — frees an instance through its unique owner;
 * consumes the handle, calls the release hook, and gives the pages back.
 *
 * **When to use**: for instances of an ownable type (an OwnableRefCounted one while it is `Owned`).
 *
 * **Gotchas**: a type that is not ownable, an `ARef` or a borrow is a compile error; at run time
 * only the `Owned` handle may free (`FREE_BORROWED` otherwise); a second free is a compile error
 * and `DOUBLE_FREE`; a page still mapped by `withPageMapped` is `BAD_PAGE_STATE`. If the release
 * hook throws, nothing is freed.
 *
 * @example
 * ```ts
 * import { createMemory, defineMemdesc, memdescAlloc, memdescFree, GFP_KERNEL } from 'memdesc';
 * const T = defineMemdesc({ name: 'mine', ownable: true });
 * const x = memdescAlloc(createMemory(), T, GFP_KERNEL)!;
 * memdescFree(x);
 * ```
 * @see {@link memdescAlloc}
 */
export function memdescFree<H>(owned: MemdescFreeArg<H>): asserts owned is MemdescFreeArg<H> & Consumed {
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
  endLifetime(mem, d, h, head);
  mem.tick();
  mem.releaseBlock(head, d.order);
  paranoid(mem);
}

/**
 * `AlwaysRefCounted::inc_ref` (Rust-for-Linux; `folio_get()` for folios) — takes a reference: from
 * any live view for an AlwaysRefCounted type, from an ARef for a refcounted one.
 *
 * **When to use**: when a second holder keeps the instance alive independently of the first; each
 * holder puts its own reference with `memdescPut`.
 *
 * **Gotchas**: a type without a refcount is a compile error and `NOT_REFCOUNTED`; counting from a
 * borrow or the Owned handle of a type that is not AlwaysRefCounted likewise. A put handle is a
 * compile error and `USE_AFTER_FREE`.
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
 * @see {@link memdescPut}
 */
export function memdescGet<Hd>(handle: MemdescGetArg<Hd>): ARef<SameDesc<Hd>> {
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
  if (mem.map.u0[head]! <= 0) {
    const msg = `BUG: KASAN: use-after-free in ${fn}(): "${d.name}" pfn:${hexPfn(head)} has refcount 0: its last reference was put and it is being released`;
    mem.logOnly(msg);
    throw new MmError('USE_AFTER_FREE', msg, head);
  }
  mem.tick();
  mem.map.u0[head]!++;
  return new PageHandle(mem, head, head, H.gen(h), d.order, Role.Shared) as unknown as ARef<SameDesc<Hd>>;
}

/**
 * `AlwaysRefCounted::dec_ref` / `ARef<T>` drop (Rust-for-Linux) — gives back a reference; the last
 * one ends the instance's lifetime (release hook, then the pages go back). Consumes the handle.
 *
 * **When to use**: once for every reference (`memdescAlloc` of a refcounted type, `memdescGet`,
 * `intoShared`), or declare it with `using`.
 *
 * **Gotchas**: a type without a refcount, a borrow or an `Owned` handle is a compile error; at run
 * time a put through a borrow is `REFCOUNT_UNDERFLOW`, through the `Owned` handle
 * `INVALID_ARGUMENT` (free it with `memdescFree`), a second put `DOUBLE_FREE`, and the last put of
 * an instance still mapped by `withPageMapped` `BAD_PAGE_STATE`.
 *
 * @example
 * ```ts
 * import { createMemory, defineMemdesc, memdescAlloc, memdescPut, GFP_KERNEL } from 'memdesc';
 * const Buf = defineMemdesc({ name: 'buf2', refcounted: true });
 * memdescPut(memdescAlloc(createMemory(), Buf, GFP_KERNEL)!);
 * ```
 * @see {@link memdescGet}
 */
export function memdescPut<R>(ref: MemdescPutArg<R>): asserts ref is MemdescPutArg<R> & Consumed {
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
  if (count === 1) {
    endLifetime(mem, d, h, head);
    mem.tick();
    mem.releaseBlock(head, d.order);
  } else {
    H.kill(h);
    mem.tick();
    mem.map.u0[head] = count - 1;
  }
  paranoid(mem);
}

/**
 * `OwnableRefCounted::into_shared` (Rust-for-Linux) — turns the unique owner into a counted
 * reference (count stays 1). Consumes the Owned handle.
 *
 * **When to use**: when an instance built by one owner (filled, initialised) is then published to
 * several holders, each of which will `memdescGet`/`memdescPut`.
 *
 * **Gotchas**: TypeScript cannot narrow an argument of a call that returns a value, so a later use
 * of the Owned handle is caught at run time (`USE_AFTER_FREE`), not at compile time. A type that is
 * not OwnableRefCounted is a compile error and `NOT_REFCOUNTED`; anything but the `Owned` handle is
 * `INVALID_ARGUMENT`.
 *
 * @example
 * ```ts
 * import { createMemory, defineMemdesc, memdescAlloc, intoShared, memdescPut, GFP_KERNEL } from 'memdesc';
 * const T = defineMemdesc({ name: 'orc', ownable: true, refcounted: true });
 * const owned = memdescAlloc(createMemory(), T, GFP_KERNEL)!;
 * const shared = intoShared(owned);
 * memdescPut(shared);
 * ```
 * @see {@link tryFromShared}
 */
export function intoShared<Hd>(owned: IntoSharedArg<Hd>): ARef<SameDesc<Hd>> {
  const fn = 'intoShared';
  const { h, d, mem, head } = mdHandle(owned, fn, false);
  if (!(d.capabilities.ownable && d.capabilities.refcounted)) {
    throw new MmError('NOT_REFCOUNTED', `BUG: ${fn}(): "${d.name}" is not OwnableRefCounted`, head);
  }
  if (H.role(h) !== Role.Owned) throw new MmError('INVALID_ARGUMENT', `${fn}(): only the Owned handle of "${d.name}" can become shared`, head);
  H.move(h);
  return new PageHandle(mem, head, head, H.gen(h), d.order, Role.Shared) as unknown as ARef<SameDesc<Hd>>;
}

/**
 * `OwnableRefCounted::try_from_shared` (Rust-for-Linux) — the unique owner back if this is the
 * only reference, else the reference back: an `Owned<T> | ARef<T>` discriminated by `.unique`
 * (`true` for the owner). Consumes its argument either way.
 *
 * **When to use**: when the last holder wants to take exclusive ownership again (to free it with
 * `memdescFree`, or to modify it without other readers).
 *
 * **Gotchas**: a later use of the argument is `USE_AFTER_FREE` at run time (not a compile error:
 * the call returns a value). A type that is not OwnableRefCounted is a compile error and
 * `NOT_REFCOUNTED`; anything but an `ARef` is `INVALID_ARGUMENT`.
 *
 * @example
 * ```ts
 * import { createMemory, defineMemdesc, memdescAlloc, intoShared, tryFromShared, memdescFree, memdescPut, GFP_KERNEL } from 'memdesc';
 * const T = defineMemdesc({ name: 'orc2', ownable: true, refcounted: true });
 * const shared = intoShared(memdescAlloc(createMemory(), T, GFP_KERNEL)!);
 * const r = tryFromShared(shared);
 * if (r.unique) memdescFree(r);
 * else memdescPut(r);
 * ```
 * @see {@link intoShared}
 */
export function tryFromShared<R>(ref: TryFromSharedArg<R>): TryFromShared<SameDesc<R>> {
  const fn = 'tryFromShared';
  const { h, d, mem, head } = mdHandle(ref, fn, false);
  if (!(d.capabilities.ownable && d.capabilities.refcounted)) {
    throw new MmError('NOT_REFCOUNTED', `BUG: ${fn}(): "${d.name}" is not OwnableRefCounted`, head);
  }
  if (H.role(h) !== Role.Shared) throw new MmError('INVALID_ARGUMENT', `${fn}(): expects an ARef of "${d.name}"`, head);
  H.move(h);
  const unique = mem.map.u0[head] === 1;
  return new PageHandle(mem, head, head, H.gen(h), d.order, unique ? Role.Owned : Role.Shared) as unknown as TryFromShared<SameDesc<R>>;
}

/**
 * `folio_ref_count()` for your own memdesc — the reference count of a refcounted instance (0 for a
 * type without one).
 *
 * **When to use**: in tests and assertions, not to decide what to do.
 *
 * **Gotchas**: a consumed handle is a compile error and `USE_AFTER_FREE`; a page that is not an
 * instance is `INVALID_ARGUMENT`.
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
export function memdescRefCount<H>(handle: MemdescArg<H, 'memdescRefCount()'>): number {
  const { mem, head } = mdHandle(handle, 'memdescRefCount', false);
  return mem.map.u0[head]!;
}

/**
 * `folio_page()` for your own memdesc — a borrow of the n-th page of an instance (`getPage` refuses
 * it: the page's owner is the memdesc).
 *
 * **When to use**: to read one page of a multi-page instance, or hand it to code that takes a page.
 *
 * **Gotchas**: `n` is checked at run time only: outside 0..2^order-1 is `OUT_OF_BOUNDS`, a
 * non-integer `INVALID_ARGUMENT`. `getPage` of the page is a compile error and `NOT_REFCOUNTED`;
 * freeing it is `FREE_BORROWED`.
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
export function memdescPage<H>(handle: MemdescArg<H, 'memdescPage()'>, n: number): Borrowed<Page<0, 'custom'>> {
  const fn = 'memdescPage';
  const { h, d, mem, head } = mdHandle(handle, fn, false);
  if (typeof n !== 'number' || !Number.isInteger(n)) invalidArgument(fn, 'n must be an integer', n);
  if (n < 0 || n >= 1 << d.order) throw new MmError('OUT_OF_BOUNDS', `BUG: ${fn}(): index ${n} is outside "${d.name}" (${1 << d.order} pages)`, head);
  return new PageHandle(mem, head + n, head, H.gen(h), 0, Role.Borrowed, true) as unknown as Borrowed<Page<0, 'custom'>>;
}

/**
 * `folio_address()` for your own memdesc — the instance's linear-map address, remembering the
 * `'custom'` owner.
 *
 * **When to use**: to read and write the instance's memory with `readRaw`/`writeRaw`.
 *
 * **Gotchas**: accesses are bounded by the whole block (`OUT_OF_BOUNDS` beyond 2^order pages); a
 * consumed handle is a compile error and `USE_AFTER_FREE`.
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
export function memdescAddress<H>(handle: MemdescArg<H, 'memdescAddress()'>): VirtAddr<'custom'> {
  const { mem, head } = mdHandle(handle, 'memdescAddress', false);
  return (mem.linearBase + head * PAGE_SIZE) as VirtAddr<'custom'>;
}

/**
 * `page_folio()` for your own memdesc — a borrow of the instance of `desc` a page belongs to, or
 * `null` if it belongs to something else.
 *
 * **When to use**: to go from a page you were handed back to your descriptor, then (for an
 * AlwaysRefCounted type) take a reference with `memdescGet`.
 *
 * **Gotchas**: the result is a borrow: it cannot be freed or put, and (unless the type is
 * AlwaysRefCounted) not counted either. A `desc` not made by `defineMemdesc` is `FOREIGN_HANDLE`.
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
export function pageMemdesc<P, D extends MemdescType>(page: PageArg<P, 'pageMemdesc()'>, desc: D): Borrowed<InstanceOf<D>> | null {
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
