/**
 * `kmalloc()` / `kfree()` (mm/slab_common.c): small sizes come from the kmalloc size-class caches
 * (`kmalloc-8` … `kmalloc-8k`); larger ones straight from the page allocator as a *large kmalloc*
 * block — a misc memdesc without a refcount (frozen since Linux 6.17), so `getPage` refuses it too.
 *
 * @module
 */
import { MmError, invalidArgument } from '../debug/mm-error.js';
import { verifyMemoryImpl } from '../debug/verify.js';
import { MAX_PAGE_ORDER, PAGE_SIZE } from '../page-alloc/constants.js';
import { __GFP_COMP, __GFP_NOWARN } from '../page-alloc/gfp.js';
import { PageKind } from '../page-alloc/memmap.js';
import { MemoryImpl } from '../page-alloc/memory.js';
import { badFreeReason, checkGfp, type AllocContext } from '../page-alloc/page-alloc.js';
import { contextMemory } from '../sync/spinlock.js';
import type { VirtAddr } from '../types/address.js';
import type { CtxArg, GfpArg } from '../types/gfp.js';
import type { MsgKfree } from '../types/messages.js';
import type { Checked, Consumed, HandleRefusal, Live, Unconsumed } from '../types/ownership.js';
import type { Expected } from '../types/page.js';
import { cacheAlloc, cacheFree, createCache, getOrder, slabHeadOf, slabObjectAt, slabRoot, type SlabObject } from './slab.js';

/**
 * `KMALLOC_MAX_CACHE_SIZE` — the largest kmalloc served from a size-class cache: two pages (8 KiB),
 * as SLUB sets it. Above it, `kmalloc` takes a large-kmalloc block from the page allocator.
 */
export const KMALLOC_MAX_CACHE_SIZE = 2 * PAGE_SIZE;
/**
 * `KMALLOC_MAX_SIZE` — the largest kmalloc, one `MAX_PAGE_ORDER` block (4 MiB). Larger requests
 * return `null` (and WARN).
 */
export const KMALLOC_MAX_SIZE = PAGE_SIZE << MAX_PAGE_ORDER;

/** The kmalloc size classes, as `kmalloc_info[]` lists them. */
const SIZE_CLASSES = [8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096, 8192] as const;

declare const kmallocKey: unique symbol;

/**
 * `void *` from `kmalloc()` — a linear-map address whose owner is a slab (sizes up to 8 KiB) or a
 * misc large-kmalloc block (larger sizes). Either way it has no refcount: `getPage` on its page is
 * refused. Free it with `kfree`.
 */
export type KmallocPtr<Owner extends 'slab' | 'misc' = 'slab' | 'misc'> = VirtAddr<Owner> & KmallocMark;

/** (no kernel counterpart) — the phantom mark of memory from `kmalloc()` ({@link KmallocPtr}). */
export interface KmallocMark {
  /** Phantom: marks memory from `kmalloc()`, spelled as the rule for freeing it. */
  readonly [kmallocKey]: 'kmalloc() memory: free it with kfree()';
}

/**
 * `kfree(ptr)`'s (and `ksize(ptr)`'s) `ptr` — a live address `kmalloc()` or `kmemCacheAlloc()`
 * returned, or the sentence that refuses anything else ({@link MsgKfree}; a consumed address is a
 * double free).
 */
export type KfreeArg<P, Fn extends string> = Checked<P> extends Checked<(KmallocPtr | SlabObject) & Live>
  ? P
  : NoInfer<HandleRefusal<Fn, P, MsgKfree<Fn>> | Expected<(KmallocPtr | SlabObject) & Unconsumed, P>>;

/**
 * `kmalloc()`'s choice at `KMALLOC_MAX_CACHE_SIZE` — the owner of a kmalloc of `Size` bytes: a slab
 * up to 8 KiB, misc (a large-kmalloc block) above, either for a non-literal size.
 */
export type KmallocOwner<Size extends number> = number extends Size
  ? 'slab' | 'misc'
  : Size extends Size
    ? IsSmall<`${Size}`> extends true
      ? 'slab'
      : 'misc'
    : never;

/**
 * One decimal digit, as text (a helper of {@link IsSmall}; the API reference shows it inline).
 *
 * @inline
 */
/**
 * `size <= KMALLOC_MAX_CACHE_SIZE` for a literal size, at the type level — whether a size (as text)
 * is at most 8192. It reads the text one character at a time with `infer`: up to three digits is
 * small; four digits are small below 8000, and from 8000 on the next digits decide; five or more
 * are not. (Patterns built from a `Digit` union would make the compiler expand thousands of
 * template literals.) Used by {@link KmallocOwner}.
 */
export type IsSmall<S extends string> = S extends `${infer _A}${infer _B}${infer _C}${infer _D}${infer Rest}`
  ? Rest extends ''
    ? FourDigitsSmall<S>
    : false
  : true;

/** Four digits (`S` is `"abcd"`): at most 8192? See {@link IsSmall}. */
export type FourDigitsSmall<S extends string> = S extends `${'1' | '2' | '3' | '4' | '5' | '6' | '7'}${string}`
  ? true
  : S extends `80${string}`
    ? true
    : S extends `81${infer T}`
      ? T extends `${'0' | '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8'}${string}`
        ? true
        : T extends '90' | '91' | '92'
          ? true
          : false
      : false;

function kmallocCacheFor(mem: MemoryImpl, size: number) {
  const root = slabRoot(mem);
  const cls = SIZE_CLASSES.find((c) => c >= size)!;
  let c = root.kmalloc.get(cls);
  if (c === undefined) {
    const name = cls >= 1024 ? `kmalloc-${cls / 1024}k` : `kmalloc-${cls}`;
    // kmalloc caches are aligned to ARCH_KMALLOC_MINALIGN (8), and power-of-two sizes to themselves.
    c = createCache(mem, name, cls, (cls & (cls - 1)) === 0 ? Math.min(cls, PAGE_SIZE) : 8, true);
    root.kmalloc.set(cls, c);
  }
  return c;
}

/**
 * `kmalloc(size, gfp)` — `size` bytes of kernel memory: from the kmalloc caches up to 8 KiB
 * (`KMALLOC_MAX_CACHE_SIZE`), else a large-kmalloc block straight from the page allocator. The
 * address's type remembers which, so `getPage(virtToPage(kmalloc(…)))` does not compile.
 *
 * **When to use**: small buffers of varying size whose lifetime you manage (`kfree`); for many
 * objects of one type a `kmem_cache`, for large buffers that need not be physically contiguous
 * `vmalloc`.
 *
 * **Gotchas**: `null` on failure, and for sizes above 4 MiB (`KMALLOC_MAX_SIZE`), as the kernel
 * (which also WARNs); a size that is not a positive integer is `INVALID_ARGUMENT`; a sleeping GFP
 * value in atomic context is a compile error (`SLEEP_IN_ATOMIC`). The memory is not zeroed unless
 * `__GFP_ZERO`. Accesses are bounded by the size class (`ksize`), not by the size asked for.
 *
 * @example
 * ```ts
 * import { createMemory, kmalloc, kfree, GFP_KERNEL } from 'memdesc';
 * const mem = createMemory();
 * const buf = kmalloc(mem, 512, GFP_KERNEL); // KmallocPtr<'slab'> | null
 * const big = kmalloc(mem, 65536, GFP_KERNEL); // KmallocPtr<'misc'> | null: a large-kmalloc block
 * if (buf) kfree(buf);
 * if (big) kfree(big);
 * ```
 * @see {@link kfree}
 * @see {@link ksize}
 */
export function kmalloc<Ctx, const Size extends number, G extends number>(
  ctx: CtxArg<Ctx>,
  size: Size,
  gfp: GfpArg<Ctx, G>,
): KmallocPtr<KmallocOwner<Size>> | null {
  const fn = 'kmalloc';
  const g = checkGfp(gfp, fn);
  const mem = contextMemory(ctx, g, fn);
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size <= 0) invalidArgument(fn, 'size must be a positive integer', size);
  if (size > KMALLOC_MAX_SIZE) {
    if (!(g & __GFP_NOWARN)) mem.printkLine(`WARNING: kmalloc(${size}): larger than KMALLOC_MAX_SIZE (${KMALLOC_MAX_SIZE})`);
    return null;
  }
  if (size <= KMALLOC_MAX_CACHE_SIZE) {
    const addr = cacheAlloc(mem, kmallocCacheFor(mem, size), g);
    return addr < 0 ? null : (addr as KmallocPtr<KmallocOwner<Size>>);
  }
  // __kmalloc_large_node(): a compound block, not a folio, no refcount.
  const order = getOrder(size);
  mem.tick();
  const head = mem.allocBlock(g | __GFP_COMP, order);
  if (head < 0) return null;
  mem.prepBlock(head, order, g | __GFP_COMP, PageKind.Misc);
  if (mem.paranoid) verifyMemoryImpl(mem);
  return (mem.linearBase + head * PAGE_SIZE) as KmallocPtr<KmallocOwner<Size>>;
}

/**
 * `kfree(ptr)` — frees what `kmalloc` (or `kmemCacheAlloc`) returned; consumes it.
 *
 * **When to use**: for every successful `kmalloc`; for slab objects `kmemCacheFree` says which
 * cache you meant, but `kfree` works too (as in the kernel since the cache is found from the page).
 *
 * **Gotchas**: a second `kfree` is a compile error and `DOUBLE_FREE`; an address kmalloc did not
 * return (a page's, a folio's, an object's interior, a vmalloc address) is `BAD_ADDRESS`, and a
 * plain number is a compile error. Addresses are numbers, as in C: once the memory is handed out
 * again, a stale copy of the old address can no longer be told apart (the type layer still refuses
 * it in the same function). Unlike the kernel, `kfree(null)` is `INVALID_ARGUMENT` (check the
 * allocation instead).
 *
 * @example
 * ```ts
 * import { createMemory, kmalloc, kfree, GFP_KERNEL } from 'memdesc';
 * const p = kmalloc(createMemory(), 64, GFP_KERNEL)!;
 * kfree(p);
 * ```
 * @see {@link kmalloc}
 */
export function kfree<P>(ptr: KfreeArg<P, 'kfree()'>): asserts ptr is KfreeArg<P, 'kfree()'> & Consumed {
  const fn = 'kfree';
  if (typeof ptr !== 'number' || !Number.isSafeInteger(ptr)) invalidArgument(fn, 'ptr must be an address kmalloc() returned', ptr);
  const mem = MemoryImpl.forLinearAddress(ptr);
  if (mem === undefined) {
    throw new MmError('BAD_ADDRESS', `BUG: kfree(0x${ptr.toString(16)}): not a linear-map address kmalloc() could have returned`);
  }
  const head = slabHeadOf(mem, ptr);
  if (head >= 0) {
    const { s, index } = slabObjectAt(mem, head, ptr, fn, true);
    cacheFree(mem, head, s, index);
    return;
  }
  const pfn = Math.floor((ptr - mem.linearBase) / PAGE_SIZE);
  const block = mem.blockHead(pfn);
  const kind = block < 0 ? PageKind.None : mem.map.kind[block]!;
  if (block >= 0 && kind === PageKind.Misc && mem.linearBase + block * PAGE_SIZE === ptr) {
    const bad = badFreeReason(mem, block);
    if (bad !== null) throw mem.badPage(block, bad);
    mem.tick();
    mem.releaseBlock(block, mem.map.order[block]!);
    if (mem.paranoid) verifyMemoryImpl(mem);
    return;
  }
  if (block < 0 || kind === PageKind.Buddy || kind === PageKind.Pcp) {
    const msg = `BUG: double free: kfree(0x${ptr.toString(16)}): the memory is already free`;
    mem.logOnly(msg);
    throw new MmError('DOUBLE_FREE', msg, pfn);
  }
  const msg = `BUG: kfree(0x${ptr.toString(16)}): not an address kmalloc() returned (it lies in a block it did not allocate)`;
  mem.logOnly(msg);
  throw new MmError('BAD_ADDRESS', msg, pfn);
}

/**
 * `ksize(ptr)` — the usable size of a kmalloc allocation: its size class, or the whole block for a
 * large kmalloc (for a slab object, its cache's object size).
 *
 * **When to use**: to learn how much room a buffer really has before growing it in place (the
 * kernel now prefers `kmalloc_size_roundup()` before allocating).
 *
 * **Gotchas**: an address of freed memory is `USE_AFTER_FREE`; an interior pointer or an address
 * kmalloc did not return is `BAD_ADDRESS`.
 *
 * @example
 * ```ts
 * import { createMemory, kmalloc, ksize, kfree, GFP_KERNEL } from 'memdesc';
 * const p = kmalloc(createMemory(), 100, GFP_KERNEL)!;
 * console.log(ksize(p)); // 128
 * kfree(p);
 * ```
 */
export function ksize<P>(ptr: KfreeArg<P, 'ksize()'>): number {
  const fn = 'ksize';
  if (typeof ptr !== 'number') invalidArgument(fn, 'ptr must be an address kmalloc() returned', ptr);
  const mem = MemoryImpl.forLinearAddress(ptr);
  if (mem === undefined) throw new MmError('BAD_ADDRESS', `BUG: ksize(0x${ptr.toString(16)}): not a kmalloc address`);
  const head = slabHeadOf(mem, ptr);
  if (head >= 0) return slabObjectAt(mem, head, ptr, fn, true, false).s.cache.objectSize;
  const block = mem.blockHead(Math.floor((ptr - mem.linearBase) / PAGE_SIZE));
  const kind = block < 0 ? PageKind.None : mem.map.kind[block]!;
  if (kind === PageKind.Misc && mem.linearBase + block * PAGE_SIZE === ptr) return PAGE_SIZE << mem.map.order[block]!;
  if (block < 0 || kind === PageKind.Buddy || kind === PageKind.Pcp) {
    throw new MmError('USE_AFTER_FREE', `BUG: KASAN: use-after-free in ksize(): 0x${ptr.toString(16)} is free memory`);
  }
  throw new MmError('BAD_ADDRESS', `BUG: ksize(0x${ptr.toString(16)}): not a kmalloc address`);
}
