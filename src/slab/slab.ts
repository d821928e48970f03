/**
 * The slab allocator (mm/slub.c, mm/slab_common.c): caches of equal-sized objects packed into
 * slab pages. A slab page is its own memdesc (`struct slab`), *frozen* — it has no refcount,
 * because slab knows when its objects are freed: `getPage` on it is refused at compile time and
 * `NOT_REFCOUNTED` at run time.
 *
 * Objects are addresses (as `kmem_cache_alloc()` returns `void *`); their type remembers the
 * cache's literal name, so freeing into another cache is a compile error (and `WRONG_CACHE`).
 *
 * @module
 */
import { MmError, hexPfn, invalidArgument, describeValue, optionKeys, readOptions } from '../debug/mm-error.js';
import { captureSite, formatSite } from '../debug/page-owner.js';
import { verifyMemoryImpl } from '../debug/verify.js';
import { MAX_PAGE_ORDER, PAGE_ALLOC_COSTLY_ORDER, PAGE_SIZE } from '../page-alloc/constants.js';
import { setSlabSpanResolver, zeroPageBytes, type Span } from '../page-alloc/contents.js';
import { __GFP_COMP, __GFP_ZERO } from '../page-alloc/gfp.js';
import { PageKind } from '../page-alloc/memmap.js';
import { MemoryImpl, asMemory } from '../page-alloc/memory.js';
import { badFreeReason, checkGfp, type AllocContext, type Memory } from '../page-alloc/page-alloc.js';
import { contextMemory, mightSleep } from '../sync/spinlock.js';
import type { VirtAddr } from '../types/address.js';
import type { CtxArg, GfpArg, MaySleepCtx } from '../types/gfp.js';
import type { MsgNotCache, MsgNotSlabObject, MsgWrongCache } from '../types/messages.js';
import type { Checked, Consumed, HandleRefusal, Live, Unconsumed } from '../types/ownership.js';
import type { Expected } from '../types/page.js';

declare const cacheBrand: unique symbol;
declare const slabCacheKey: unique symbol;

/**
 * `struct kmem_cache` — a cache of objects of one size, packed into slab pages. The literal name is
 * part of the type, and of its objects' types ({@link SlabObject}).
 *
 * **When to use**: many objects of one size and type (dentries, inodes, Binder buffers): faster
 * than `kmalloc` and reported by name. Make it with {@link kmemCacheCreate}.
 *
 * **Gotchas**: an object freed to another cache is a compile error and `WRONG_CACHE`. Destroying
 * the cache consumes it; destroying it with objects still allocated is `CACHE_NOT_EMPTY`. A cache
 * belongs to one machine (`FOREIGN_HANDLE` elsewhere).
 *
 * @example
 * ```ts
 * import { createMemory, kmemCacheCreate, kmemCacheAlloc, kmemCacheFree, kmemCacheDestroy, GFP_KERNEL, type KmemCache } from 'memdesc';
 * const mem = createMemory();
 * const dentries: KmemCache<'dentry'> = kmemCacheCreate(mem, 'dentry', 192);
 * const d = kmemCacheAlloc(mem, dentries, GFP_KERNEL)!; // SlabObject<'dentry'>
 * kmemCacheFree(dentries, d);
 * kmemCacheDestroy(dentries);
 * ```
 * @see {@link kmemCacheCreate}
 */
export interface KmemCache<Name extends string = string> {
  /** Phantom: marks a cache made by `kmemCacheCreate`, with its literal name. */
  readonly [cacheBrand]: Name;
  /** The cache's name, as `/proc/slabinfo` shows it. */
  readonly name: Name;
  /** The object size asked for. */
  readonly objectSize: number;
}

/**
 * `void *` from `kmem_cache_alloc()` — an object of cache `Name`: a linear-map address owned by a
 * slab, whose type remembers its cache so `kmemCacheFree` into another cache does not compile.
 * `kfree` accepts it too, as the kernel's `kfree()` does.
 */
export type SlabObject<Name extends string = string> = VirtAddr<'slab'> & SlabObjectMark<Name>;

/** (no kernel counterpart) — the phantom mark of an object of kmem_cache `Name` ({@link SlabObject}). */
export interface SlabObjectMark<Name extends string> {
  /** Phantom: the name of the cache the object belongs to. */
  readonly [slabCacheKey]: Name;
}

/**
 * `kmem_cache->name` at the type level — the literal name of a cache-type argument, read through its
 * phantom field (`never` when it is not a cache).
 */
export type CacheNameOf<C> = C[typeof cacheBrand & keyof C] & string;

/**
 * A cache parameter of kernel function `Fn` (`kmem_cache_alloc()`, `kmem_cache_free()`,
 * `kmem_cache_destroy()`) — a live cache, or the sentence that refuses the argument
 * ({@link MsgNotCache}; a destroyed cache is refused as consumed).
 */
export type KmemCacheArg<C, Fn extends string> = Checked<C> extends Checked<KmemCache & Live>
  ? C
  : NoInfer<HandleRefusal<Fn, C, MsgNotCache<Fn>> | Expected<KmemCache & Unconsumed, C>>;

/**
 * `kmem_cache_free(cache, obj)`'s `obj` — a live object of that very cache, or the sentence that
 * refuses it: an object of another cache ({@link MsgWrongCache}), something that is not a slab
 * object ({@link MsgNotSlabObject}), a consumed object (a double free).
 */
export type KmemCacheFreeArg<C, O> = Checked<O> extends Checked<SlabObject<CacheNameOf<C>> & Live>
  ? O
  : NoInfer<
      | HandleRefusal<'kmem_cache_free()', O, Checked<O> extends Checked<SlabObject<infer N>> ? MsgWrongCache<N, CacheNameOf<C>> : MsgNotSlabObject>
      | Expected<SlabObject<CacheNameOf<C>> & Unconsumed, O>
    >;

/**
 * `kmem_cache_create()`'s `align` argument (`struct kmem_cache_args` in recent kernels) — the
 * options of {@link kmemCacheCreate}.
 */
export interface KmemCacheOptions {
  /** Object alignment in bytes, a power of two (default 8). `SLAB_HWCACHE_ALIGN` is 64. */
  readonly align?: number;
}

/** Per-slab state: its free objects (a stack of indexes) and which are in use. */
interface SlabState {
  readonly cache: CacheImpl;
  readonly free: Int32Array;
  nfree: number;
  readonly inuse: Uint8Array;
  onPartial: boolean;
}

/**
 * The runtime cache — also the `KmemCache` users hold. Everything that changes, and everything the
 * allocator relies on, sits in private fields behind accessors: a user's `Object.freeze` (shallow
 * or deep) or a write to a property cannot reach it. Only `name` and `objectSize`, the public
 * interface, are own properties.
 */
export class CacheImpl {
  readonly #mem: MemoryImpl;
  readonly #id: number;
  readonly name: string;
  readonly objectSize: number;
  readonly #size: number;
  readonly #order: number;
  readonly #objsPerSlab: number;
  readonly #kmalloc: boolean;
  readonly #partial: number[] = [];
  readonly #slabs = new Map<number, SlabState>();
  #liveObjects = 0;
  #destroyed = false;
  #allocating = 0;
  readonly #sites: Map<number, Error> | null;

  constructor(mem: MemoryImpl, id: number, name: string, objectSize: number, align: number, kmalloc: boolean) {
    this.#mem = mem;
    this.#id = id;
    this.name = name;
    this.objectSize = objectSize;
    this.#size = Math.ceil(objectSize / align) * align;
    this.#order = calculateOrder(this.#size);
    this.#objsPerSlab = Math.floor((PAGE_SIZE << this.#order) / this.#size);
    this.#kmalloc = kmalloc;
    this.#sites = mem.pageOwnerStacks ? new Map() : null;
  }

  /** Its index + 1 in the machine's cache list: what a slab page's memmap row points to. */
  get id(): number {
    return this.#id;
  }
  /** The stride between objects (object size rounded up to the alignment). */
  get size(): number {
    return this.#size;
  }
  /** The order of each slab (`calculate_order()`). */
  get order(): number {
    return this.#order;
  }
  get objsPerSlab(): number {
    return this.#objsPerSlab;
  }
  /** A kmalloc size class (not destroyable). */
  get kmalloc(): boolean {
    return this.#kmalloc;
  }
  /** Slabs with at least one free object (heads), most recent last. */
  get partial(): number[] {
    return this.#partial;
  }
  /** Per-slab state by head pfn. */
  get slabs(): Map<number, SlabState> {
    return this.#slabs;
  }
  get liveObjects(): number {
    return this.#liveObjects;
  }
  set liveObjects(n: number) {
    this.#liveObjects = n;
  }
  get destroyed(): boolean {
    return this.#destroyed;
  }
  set destroyed(d: boolean) {
    this.#destroyed = d;
  }
  /** `kmem_cache_alloc()` calls of this cache waiting for a new slab (reclaim may run meanwhile). */
  get allocating(): number {
    return this.#allocating;
  }
  set allocating(n: number) {
    this.#allocating = n;
  }
  /** Allocation site of each live object, with `pageOwnerStacks`. */
  get sites(): Map<number, Error> | null {
    return this.#sites;
  }

  static is(x: unknown): x is CacheImpl {
    return typeof x === 'object' && x !== null && #mem in x;
  }

  get mem(): MemoryImpl {
    return this.#mem;
  }
}

/** Per machine: its caches, by id (the id is what a slab page's memmap row points to). */
interface SlabRoot {
  readonly caches: CacheImpl[];
  readonly kmalloc: Map<number, CacheImpl>;
}
const roots = new WeakMap<MemoryImpl, SlabRoot>();

export function slabRoot(mem: MemoryImpl): SlabRoot {
  let r = roots.get(mem);
  if (r === undefined) {
    r = { caches: [], kmalloc: new Map() };
    roots.set(mem, r);
  }
  return r;
}

/** `get_order(size)`: the smallest order whose block holds `size` bytes. */
export function getOrder(size: number): number {
  let order = 0;
  // PAGE_SIZE * 2^order, not PAGE_SIZE << order: the shift wraps at 32 bits and would never end.
  while (order < 64 && PAGE_SIZE * 2 ** order < size) order++;
  return order;
}

/**
 * `calculate_order()` (mm/slub.c, one CPU) — the order of each slab of a cache whose object stride
 * is `size`: the smallest order that holds at least `min_objects = 4 * (fls(nr_cpus) + 1) = 8`
 * objects with at most 1/16 (then 1/8, 1/4) of the slab wasted, trying fewer objects before larger
 * orders, up to `slub_max_order` = 3 (`PAGE_ALLOC_COSTLY_ORDER`). This is the loop older SLUB used
 * (it lowers `min_objects` before giving up); recent kernels reach the same orders for common
 * sizes.
 *
 * **When to use**: to predict how many pages a cache's slabs take (`/proc/slabinfo`'s
 * `pagesperslab`), e.g. in a test that counts pages.
 *
 * **Gotchas**: a pure function of the size. A size that is not an integer in 1..4 MiB (the largest
 * object `kmemCacheCreate` takes, one `MAX_PAGE_ORDER` block) is `INVALID_ARGUMENT`. Sizes that fit
 * no slab up to order 3 get `get_order(size)`.
 *
 * @example
 * ```ts
 * import { calculateOrder } from 'memdesc';
 * console.log(calculateOrder(64), calculateOrder(192), calculateOrder(4096)); // 0 0 3
 * ```
 */
export function calculateOrder(size: number): number {
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 1 || size > PAGE_SIZE << MAX_PAGE_ORDER) {
    invalidArgument('calculateOrder', `size must be an integer in 1..${PAGE_SIZE << MAX_PAGE_ORDER} (the largest slab object)`, size);
  }
  const calc = (minObjects: number, maxOrder: number, fract: number): number => {
    let order = Math.max(0, getOrder(minObjects * size));
    for (; order <= maxOrder; order++) {
      const slabSize = PAGE_SIZE << order;
      if (slabSize % size <= slabSize / fract) break;
    }
    return order;
  };
  const maxOrder = PAGE_ALLOC_COSTLY_ORDER;
  let minObjects = Math.min(8, Math.floor((PAGE_SIZE << maxOrder) / size));
  while (minObjects > 1) {
    for (let fraction = 16; fraction >= 4; fraction /= 2) {
      const order = calc(minObjects, maxOrder, fraction);
      if (order <= maxOrder) return order;
    }
    minObjects--;
  }
  const order = calc(1, maxOrder, 1);
  if (order <= maxOrder) return order;
  return Math.min(getOrder(size), MAX_PAGE_ORDER);
}

function paranoid(mem: MemoryImpl): void {
  if (mem.paranoid) verifyMemoryImpl(mem);
}

/** Makes a cache (shared by kmem_cache_create and the kmalloc size classes). */
export function createCache(mem: MemoryImpl, name: string, objectSize: number, align: number, kmalloc: boolean): CacheImpl {
  const root = slabRoot(mem);
  const c = new CacheImpl(mem, root.caches.length + 1, name, objectSize, align, kmalloc);
  root.caches.push(c);
  return c;
}

/**
 * `kmem_cache_create(name, size, …)` — a cache of `objectSize`-byte objects. The literal `name`
 * becomes part of the cache's type and of its objects' types.
 *
 * **When to use**: once per object type, at "module init"; allocate from it with
 * `kmemCacheAlloc`, free with `kmemCacheFree`, and destroy it when the last object is gone.
 *
 * **Gotchas**: a name that is not a string of 1..64 characters, a size ≤ 0 or above 4 MiB, or an
 * alignment that is not a power of two up to `PAGE_SIZE` is `INVALID_ARGUMENT`, as are options that
 * are an array or whose getter throws (they are read once). Alignment is at
 * least 8 (`ARCH_SLAB_MINALIGN`). Caches are never merged (as with `SLAB_NO_MERGE`): two caches of
 * one size stay apart, so a wrong-cache free is always caught. It may sleep (`slab_mutex`): passing
 * the atomic context of `withSpinLock` is a compile error, and the outer `Memory` used under a
 * spinlock is `SLEEP_IN_ATOMIC`.
 *
 * @example
 * ```ts
 * import { createMemory, kmemCacheCreate, kmemCacheAlloc, kmemCacheFree, kmemCacheDestroy, GFP_KERNEL } from 'memdesc';
 * const mem = createMemory();
 * const cache = kmemCacheCreate(mem, 'binder_buffer', 96);
 * const obj = kmemCacheAlloc(mem, cache, GFP_KERNEL);
 * if (obj) kmemCacheFree(cache, obj);
 * kmemCacheDestroy(cache);
 * ```
 * @see {@link kmemCacheDestroy}
 */
export function kmemCacheCreate<const Name extends string, Ctx extends AllocContext = Memory>(
  mem: MaySleepCtx<Ctx, 'kmemCacheCreate'>,
  name: Name,
  objectSize: number,
  options: KmemCacheOptions = {},
): KmemCache<Name> {
  const fn = 'kmemCacheCreate';
  const m = asMemory(mem, fn);
  mightSleep(m, fn, 'mm/slab_common.c'); // kmem_cache_create() takes slab_mutex
  if (typeof name !== 'string' || name.length === 0 || name.length > 64) invalidArgument(fn, 'name must be a string of 1..64 characters', name);
  if (typeof objectSize !== 'number' || !Number.isSafeInteger(objectSize) || objectSize <= 0 || objectSize > PAGE_SIZE << MAX_PAGE_ORDER) {
    invalidArgument(fn, `objectSize must be an integer in 1..${PAGE_SIZE << MAX_PAGE_ORDER}`, objectSize);
  }
  const o = readOptions(fn, 'options', options, optionKeys<KmemCacheOptions>()(['align']));
  const align = o.align ?? 8;
  if (typeof align !== 'number' || !Number.isSafeInteger(align) || align < 1 || align > PAGE_SIZE || (align & (align - 1)) !== 0) {
    invalidArgument(fn, 'align must be a power of two up to PAGE_SIZE', o.align);
  }
  return createCache(m, name, objectSize, Math.max(8, align), false) as unknown as KmemCache<Name>;
}

/** A live cache argument, or throws. */
export function liveCache(cache: unknown, fn: string): CacheImpl {
  if (!CacheImpl.is(cache)) {
    throw new MmError('FOREIGN_HANDLE', `BUG: ${fn}(): ${describeValue(cache)} is not a kmem_cache made by kmemCacheCreate()`);
  }
  if (cache.destroyed) {
    throw new MmError('USE_AFTER_FREE', `BUG: KASAN: use-after-free in ${fn}(): kmem_cache "${cache.name}" was destroyed`);
  }
  return cache;
}

/** `slab_alloc_node()`: an object from a partial slab, or from a new slab. Returns the address or -1. */
export function cacheAlloc(mem: MemoryImpl, c: CacheImpl, gfp: number): number {
  mem.tick();
  let head = c.partial.length > 0 ? c.partial[c.partial.length - 1]! : -1;
  if (head < 0) {
    // new_slab(): a frozen compound block of the cache's order. Reclaim may run inside it: a
    // shrinker must not destroy the cache meanwhile (kmemCacheDestroy checks `allocating`).
    c.allocating++;
    try {
      head = mem.allocBlock(gfp | __GFP_COMP, c.order);
    } finally {
      c.allocating--;
    }
    if (head < 0) return -1;
    mem.prepBlock(head, c.order, (gfp & ~__GFP_ZERO) | __GFP_COMP, PageKind.Slab);
    mem.map.u0[head] = c.id; // slab->slab_cache
    mem.map.u1[head] = 0; // slab->inuse
    const free = new Int32Array(c.objsPerSlab);
    for (let i = 0; i < c.objsPerSlab; i++) free[i] = c.objsPerSlab - 1 - i; // lowest index first
    c.slabs.set(head, { cache: c, free, nfree: c.objsPerSlab, inuse: new Uint8Array(c.objsPerSlab), onPartial: true });
    c.partial.push(head);
  }
  const s = c.slabs.get(head)!;
  const index = s.free[--s.nfree]!;
  s.inuse[index] = 1;
  mem.map.u1[head]!++;
  if (s.nfree === 0) {
    c.partial.pop();
    s.onPartial = false;
  }
  c.liveObjects++;
  const addr = mem.linearBase + head * PAGE_SIZE + index * c.size;
  if (gfp & __GFP_ZERO || mem.initOnAlloc) zeroObject(mem, addr - mem.linearBase, c.objectSize);
  c.sites?.set(addr, captureSite());
  paranoid(mem);
  return addr;
}

function zeroObject(mem: MemoryImpl, off: number, size: number): void {
  if (mem.contents.size === 0) return;
  for (let done = 0; done < size; ) {
    const pfn = Math.floor((off + done) / PAGE_SIZE);
    const inPage = (off + done) % PAGE_SIZE;
    const n = Math.min(PAGE_SIZE - inPage, size - done);
    zeroPageBytes(mem, pfn, inPage, n);
    done += n;
  }
}

/** Where an address lands in a slab: the slab head, its state and the object index, or throws. */
export function slabObjectAt(
  mem: MemoryImpl,
  head: number,
  addr: number,
  fn: string,
  exact: boolean,
  freeing = exact,
): { s: SlabState; index: number } {
  const c = slabRoot(mem).caches[mem.map.u0[head]! - 1];
  const s = c?.slabs.get(head);
  if (c === undefined || s === undefined) throw new MmError('BAD_ADDRESS', `BUG: ${fn}(0x${addr.toString(16)}): no slab at pfn:${hexPfn(head)}`);
  const off = addr - mem.linearBase - head * PAGE_SIZE;
  const index = Math.floor(off / c.size);
  if (index >= c.objsPerSlab || (exact && off % c.size !== 0)) {
    const msg = `BUG: ${fn}(0x${addr.toString(16)}): not the start of an object in kmem_cache "${c.name}" (objects are ${c.size} bytes)`;
    mem.logOnly(msg);
    throw new MmError('BAD_ADDRESS', msg, head);
  }
  if (s.inuse[index] === 0) {
    const msg = freeing
      ? `BUG: double free: ${fn}(0x${addr.toString(16)}): the object in kmem_cache "${c.name}" is already free`
      : `BUG: KASAN: use-after-free in ${fn}(): 0x${addr.toString(16)} is a free object of kmem_cache "${c.name}"`;
    mem.logOnly(msg);
    throw new MmError(freeing ? 'DOUBLE_FREE' : 'USE_AFTER_FREE', msg, head);
  }
  if (freeing && s.nfree + 1 === c.objsPerSlab) {
    // The slab would go back to the page allocator: its page must be in a state that allows it.
    const bad = badFreeReason(mem, head);
    if (bad !== null) throw mem.badPage(head, `last object of a slab freed while ${bad}`);
  }
  return { s, index };
}

/** `slab_free()`: gives the object back; an empty slab goes back to the page allocator. */
export function cacheFree(mem: MemoryImpl, head: number, s: SlabState, index: number): void {
  const c = s.cache;
  mem.tick();
  s.inuse[index] = 0;
  s.free[s.nfree++] = index;
  mem.map.u1[head]!--;
  c.liveObjects--;
  c.sites?.delete(mem.linearBase + head * PAGE_SIZE + index * c.size);
  if (s.nfree === c.objsPerSlab) {
    // discard_slab(): the slab is empty.
    if (s.onPartial) c.partial.splice(c.partial.lastIndexOf(head), 1);
    c.slabs.delete(head);
    mem.releaseBlock(head, c.order);
  } else if (!s.onPartial) {
    s.onPartial = true;
    c.partial.push(head);
  }
  paranoid(mem);
}

/** Resolves a linear address to its slab (head), or throws BAD_ADDRESS if it is not in a slab. */
export function slabHeadOf(mem: MemoryImpl, addr: number): number {
  const pfn = Math.floor((addr - mem.linearBase) / PAGE_SIZE);
  // A slab head, or a tail of one (compound_head()), without blockHead()'s walk.
  const k = mem.map.kind[pfn];
  if (k === PageKind.Slab) return pfn;
  if (k === PageKind.Tail && mem.map.kind[mem.map.u0[pfn]!] === PageKind.Slab) return mem.map.u0[pfn]!;
  const head = mem.blockHead(pfn);
  return head >= 0 && mem.map.kind[head] === PageKind.Slab ? head : -1;
}

/**
 * `kmem_cache_alloc(cache, gfp)` — an object from the cache, or `null`. Objects come from the most
 * recently used partial slab; a new slab is taken from the page allocator when none has room.
 *
 * **When to use**: for each object of the cache's type; pass the atomic context under a spinlock.
 *
 * **Gotchas**: `null` on failure; the object holds whatever its last user wrote unless
 * `__GFP_ZERO`. A destroyed cache is a compile error in the same function and `USE_AFTER_FREE` at
 * run time; a cache of another machine is `FOREIGN_HANDLE`; a sleeping GFP value in atomic context
 * is a compile error (`SLEEP_IN_ATOMIC`).
 *
 * @example
 * ```ts
 * import { createMemory, kmemCacheCreate, kmemCacheAlloc, kmemCacheFree, GFP_KERNEL } from 'memdesc';
 * const mem = createMemory();
 * const cache = kmemCacheCreate(mem, 'dentry', 192);
 * const d = kmemCacheAlloc(mem, cache, GFP_KERNEL);
 * if (d) kmemCacheFree(cache, d);
 * ```
 * @see {@link kmemCacheFree}
 */
export function kmemCacheAlloc<Ctx, C, G extends number>(
  ctx: CtxArg<Ctx>,
  cache: KmemCacheArg<C, 'kmem_cache_alloc()'>,
  gfp: GfpArg<Ctx, G>,
): SlabObject<CacheNameOf<C>> | null {
  const fn = 'kmemCacheAlloc';
  const g = checkGfp(gfp, fn);
  const mem = contextMemory(ctx, g, fn);
  const c = liveCache(cache, fn);
  if (c.mem !== mem) {
    throw new MmError('FOREIGN_HANDLE', `BUG: ${fn}(): kmem_cache "${c.name}" belongs to ${c.mem.describe()}, not to ${mem.describe()}`);
  }
  const addr = cacheAlloc(mem, c, g);
  return addr < 0 ? null : (addr as SlabObject<CacheNameOf<C>>);
}

/**
 * `kmem_cache_free(cache, obj)` — gives an object back to its cache; consumes it. When a slab
 * becomes empty, its pages go back to the page allocator.
 *
 * **When to use**: for every object from `kmemCacheAlloc`, with the cache it came from (`kfree`
 * works too).
 *
 * **Gotchas**: an object of another cache is a compile error and `WRONG_CACHE`; freeing it twice
 * is a compile error and `DOUBLE_FREE`; an address that is not an object start is `BAD_ADDRESS`;
 * a cache and an object of two different machines are `FOREIGN_HANDLE`.
 *
 * @example
 * ```ts
 * import { createMemory, kmemCacheCreate, kmemCacheAlloc, kmemCacheFree, GFP_KERNEL } from 'memdesc';
 * const mem = createMemory();
 * const cache = kmemCacheCreate(mem, 'inode', 600);
 * const i = kmemCacheAlloc(mem, cache, GFP_KERNEL)!;
 * kmemCacheFree(cache, i);
 * ```
 * @see {@link kmemCacheAlloc}
 */
export function kmemCacheFree<C, O>(
  cache: KmemCacheArg<C, 'kmem_cache_free()'>,
  obj: KmemCacheFreeArg<C, O>,
): asserts obj is KmemCacheFreeArg<C, O> & Consumed {
  const fn = 'kmemCacheFree';
  const c = liveCache(cache, fn);
  const mem = c.mem;
  if (typeof obj !== 'number' || !Number.isSafeInteger(obj)) invalidArgument(fn, 'obj must be an object address', obj);
  const inMem = mem.ownsLinear(obj);
  if (!inMem) {
    const objMem = MemoryImpl.forLinearAddress(obj);
    if (objMem !== undefined) {
      const msg = `BUG: ${fn}(): 0x${obj.toString(16)} is memory of ${objMem.describe()}, but kmem_cache "${c.name}" belongs to ${mem.describe()}`;
      mem.logOnly(msg);
      throw new MmError('FOREIGN_HANDLE', msg);
    }
  }
  const head = inMem ? slabHeadOf(mem, obj) : -1;
  if (head < 0 && inMem) {
    // The slab was discarded when its last object was freed: the memory is free now.
    const block = mem.blockHead(Math.floor((obj - mem.linearBase) / PAGE_SIZE));
    const kind = block < 0 ? PageKind.None : mem.map.kind[block]!;
    if (block < 0 || kind === PageKind.Buddy || kind === PageKind.Pcp) {
      const msg = `BUG: double free: ${fn}(0x${obj.toString(16)}): the object's slab is already free`;
      mem.logOnly(msg);
      throw new MmError('DOUBLE_FREE', msg);
    }
  }
  if (head < 0) {
    const msg = `BUG: ${fn}(0x${obj.toString(16)}): not an object of any slab cache of ${mem.describe()}`;
    mem.logOnly(msg);
    throw new MmError('BAD_ADDRESS', msg);
  }
  const owner = slabRoot(mem).caches[mem.map.u0[head]! - 1]!;
  if (owner !== c) {
    const msg = `BUG: ${fn}(): wrong cache: 0x${obj.toString(16)} belongs to kmem_cache "${owner.name}", not "${c.name}" (cache_from_obj)`;
    mem.logOnly(msg);
    throw new MmError('WRONG_CACHE', msg, head);
  }
  const { s, index } = slabObjectAt(mem, head, obj, fn, true);
  cacheFree(mem, head, s, index);
}

/**
 * `kmem_cache_destroy(cache)` — destroys an empty cache.
 *
 * **When to use**: at "module exit", after every object has been freed.
 *
 * **Gotchas**: objects still allocated: `CACHE_NOT_EMPTY`, naming each (with its allocation site
 * when page_owner is on), and the cache stays usable. Destroying consumes the cache: a later use is
 * a compile error, and `USE_AFTER_FREE` at run time. It may sleep (`slab_mutex`): under a spinlock it
 * is `SLEEP_IN_ATOMIC` and the cache stays; a shrinker that destroys the cache from inside a
 * `kmemCacheAlloc` of it (reclaim runs inside the allocation) gets `CACHE_NOT_EMPTY`.
 *
 * @example
 * ```ts
 * import { createMemory, kmemCacheCreate, kmemCacheAlloc, kmemCacheFree, kmemCacheDestroy, MmError, GFP_KERNEL } from 'memdesc';
 * const mem = createMemory();
 * const cache = kmemCacheCreate(mem, 'scratch', 64);
 * const obj = kmemCacheAlloc(mem, cache, GFP_KERNEL)!;
 * try {
 *   kmemCacheDestroy(cache);
 * } catch (e) {
 *   console.log((e as MmError).code); // "CACHE_NOT_EMPTY": obj is still allocated
 * }
 * kmemCacheFree(cache, obj);
 * kmemCacheDestroy(cache);
 * ```
 * @see {@link kmemCacheCreate}
 */
export function kmemCacheDestroy<C>(cache: KmemCacheArg<C, 'kmem_cache_destroy()'>): asserts cache is KmemCacheArg<C, 'kmem_cache_destroy()'> & Consumed {
  const fn = 'kmemCacheDestroy';
  const c = liveCache(cache, fn);
  if (c.kmalloc) invalidArgument(fn, 'the kmalloc caches cannot be destroyed', c.name);
  const mem = c.mem;
  mightSleep(mem, fn, 'mm/slab_common.c'); // kmem_cache_destroy() takes cpus_read_lock() and slab_mutex
  if (c.allocating > 0) {
    const msg = `BUG ${c.name}: kmem_cache_destroy() while a kmem_cache_alloc() of it is in progress (called from reclaim inside that allocation)`;
    mem.logOnly(msg);
    throw new MmError('CACHE_NOT_EMPTY', msg);
  }
  if (c.liveObjects > 0) {
    const objects: string[] = [];
    for (const head of c.slabs.keys()) {
      for (const o of slabLiveObjects(mem, head) ?? []) {
        if (objects.length === 10) break;
        const offset = o.addr - mem.linearBase - head * PAGE_SIZE;
        objects.push(`Object 0x${o.addr.toString(16)} @offset=${offset}` + (o.site ? `\n  allocated at:\n${formatSite(o.site, '    ')}` : ''));
      }
    }
    const msg =
      `BUG ${c.name}: Objects remaining in ${c.name} on __kmem_cache_shutdown(): ${c.liveObjects} object(s) still allocated\n` +
      objects.join('\n');
    mem.logOnly(msg);
    throw new MmError('CACHE_NOT_EMPTY', msg);
  }
  c.destroyed = true;
}

/** One allocated object of a slab, for kmemleak's object-level report ({@link slabLiveObjects}). */
export interface SlabObjectRecord {
  readonly addr: number;
  readonly size: number;
  readonly cache: string;
  /** Its allocation site, with `pageOwnerStacks: true`; `undefined` otherwise. */
  readonly site: Error | undefined;
}

/**
 * The allocated objects of the slab whose head page is `head`, lowest address first; `null` if
 * `head` is not a slab of a live cache. kmemleak tracks slab objects one by one, not their pages.
 */
export function slabLiveObjects(mem: MemoryImpl, head: number): SlabObjectRecord[] | null {
  const c = slabRoot(mem).caches[mem.map.u0[head]! - 1];
  const s = c?.slabs.get(head);
  if (c === undefined || s === undefined) return null;
  const out: SlabObjectRecord[] = [];
  for (let i = 0; i < c.objsPerSlab; i++) {
    if (s.inuse[i] === 0) continue;
    const addr = mem.linearBase + head * PAGE_SIZE + i * c.size;
    out.push({ addr, size: c.objectSize, cache: c.name, site: c.sites?.get(addr) });
  }
  return out;
}

/** The span of a slab object for readRaw/writeRaw: from the address to the object's end. */
setSlabSpanResolver((mem: MemoryImpl, head: number, addr: number, fn: string): Span => {
  const { s, index } = slabObjectAt(mem, head, addr, fn, false);
  const objStart = mem.linearBase + head * PAGE_SIZE + index * s.cache.size;
  return {
    mem,
    pages: null,
    pfn: head,
    start: addr - mem.linearBase - head * PAGE_SIZE,
    size: objStart + s.cache.objectSize - addr,
    folio: -1,
    locked: false,
  };
});
