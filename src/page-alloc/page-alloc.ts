/**
 * The page allocator's public face (mm/page_alloc.c): `alloc_pages`, `__free_pages` and friends.
 *
 * @module
 */
import { MmError, describeValue, hexPfn, invalidArgument, optionKeys, readOptions } from '../debug/mm-error.js';
import type { Owned, Borrowed, Checked, Consumed, HandleRefusal, Live } from '../types/ownership.js';
import type { Page, PageArg, Pfn, OrderArg, FreeOrderArg, FreePageArg, FreePagesArg, OwnerOf } from '../types/page.js';
import { VMALLOC_START, type VirtAddr, type AddrOwner, type VmallocAddr } from '../types/address.js';
import type { AtomicContext, CtxArg, GfpArg, MaySleepCtx, ProcessContextMark } from '../types/gfp.js';
import type { MsgAddressNotPage, MsgConsumed, MsgNotAnAddress, MsgVirtToPageVmalloc } from '../types/messages.js';
import { MAX_PAGE_ORDER } from './constants.js';
import { REC, REC_ALLOC_TS, REC_FREE_TS, REC_GFP_ORDER, captureSite } from '../debug/page-owner.js';
import { GFP_VALID_MASK, __GFP_DIRECT_RECLAIM, __GFP_ZERO } from './gfp.js';
import { H, PageHandle, Role, checkHandle, setDisposer, NOT_A_HANDLE, STALE } from './handle.js';
import { contextMemory, mightSleep } from './context.js';
import { paranoidCheck } from './hooks.js';
import { MemoryHandle, MemoryImpl, asMemory, type MemoryOptions, type DebugLevel } from './memory.js';
import { KMAP_MASK, PageFlag, PageKind, PAGE_KIND_NAMES } from './memmap.js';
import { drainHigh, refillPcp } from './pcp.js';
import { VM_ALLOCATIONS, VM_CLOCK, VM_FREES, VM_KIND, VM_PGALLOC } from './vmstat.js';
import { plainFailOptions, type FailPageAllocOptions } from './fault-inject.js';

declare const memoryBrand: unique symbol;

/**
 * `struct pglist_data` (`pg_data_t`) — a simulated machine: one NUMA node, its zones, their buddy
 * allocators and per-CPU page lists. Made by {@link createMemory}; it is also the *process context*
 * argument of every allocation (a context that may sleep).
 *
 * **When to use**: one per test or program; pass it to every allocation made outside a spinlock and
 * to the `/proc` views (`buddyinfo`, `meminfo`, `memStats`, `dmesg`).
 *
 * **Gotchas**: machines are independent: every handle and address belongs to the machine that made
 * it, and a slab cache used with another machine is `FOREIGN_HANDLE`. Using the `Memory` itself
 * inside `withSpinLock` (instead of the callback's atomic context) is not seen by the compiler, and
 * a sleeping GFP value there is `SLEEP_IN_ATOMIC`. A plain object is not a `Memory`
 * (`INVALID_ARGUMENT`).
 *
 * @example
 * ```ts
 * import { createMemory, allocPage, freePage, meminfo, GFP_KERNEL, type Memory } from 'memdesc';
 * function churn(mem: Memory, n: number): void {
 *   for (let i = 0; i < n; i++) freePage(allocPage(mem, GFP_KERNEL)!);
 * }
 * const mem = createMemory({ bytes: 16 * 1024 * 1024, comm: 'test' });
 * churn(mem, 100);
 * console.log(mem.nrPages, meminfo(mem).split('\n')[0]); // 4096 'MemTotal:          16384 kB'
 * ```
 */
export interface Memory extends ProcessContextMark {
  /** Phantom: marks a `Memory` made by `createMemory` (a plain object is not one). */
  readonly [memoryBrand]: true;
  /** Pages in the machine. */
  readonly nrPages: number;
  /** `current->comm` used in reports. */
  readonly comm: string;
  /** The debug level it was created with. */
  readonly debugLevel: DebugLevel;
}

/**
 * `mem_init()` / `memblock_free_all()` — creates a simulated machine: every page handed to the
 * buddy allocator in the largest aligned blocks, watermarks derived from `min_free_kbytes` the way
 * `init_per_zone_wmark_min()` derives them, per-CPU lists sized by `zone_batchsize()` and
 * `zone_highsize()`.
 *
 * **When to use**: once per test or program; machines are independent (every handle and address
 * belongs to the machine that made it). The default is fast (an order-0 allocation and free in
 * about 50 ns, page_owner records included); give `debug: 'paranoid'` in tests of allocator-heavy
 * code, `pageOwnerStacks: true` in the test that hunts a leak (stacks cost some 330×),
 * `printk: null` to keep the kernel log off the console.
 *
 * **Gotchas**: a size that is not a positive whole number of pages, or larger than 256 GiB, is
 * `INVALID_ARGUMENT`, as is giving more than one of `pages`, `bytes` and `zones`, zones out of the
 * kernel's order or twice, or any bad option; nothing is created then. The options are read once,
 * field by field (a getter runs once): an array, or a getter or Proxy trap that throws, is
 * `INVALID_ARGUMENT` too. Metadata costs 16 bytes per page (page_owner 24 more), touched lazily,
 * and page contents exist only once written, so a 64 GiB machine is cheap. A machine nobody holds
 * is garbage-collected with everything in it; its linear-map window (taken when it first hands out
 * an address) is reused. Allocation failures are printed with `console.warn` unless `printk` says
 * otherwise.
 *
 * @example
 * ```ts
 * import { createMemory, buddyinfo } from 'memdesc';
 * const mem = createMemory({ bytes: 64 * 1024 * 1024 });
 * console.log(buddyinfo(mem)); // Node 0, zone   Normal      0 … 16
 * const zones = [{ name: 'DMA32', pages: 4096 }, { name: 'Normal', pages: 8192 }];
 * const dma = createMemory({ zones, printk: null });
 * console.log(buddyinfo(dma).split('\n').length - 1); // 2 zones
 * ```
 * @see {@link MemoryOptions}
 */
export function createMemory(options: MemoryOptions = {}): Memory {
  return new MemoryHandle(new MemoryImpl(plainMemoryOptions(options))) as unknown as Memory;
}

/** Every field of {@link MemoryOptions} (the compiler checks the list is complete). */
const MEMORY_OPTION_KEYS = optionKeys<MemoryOptions>()([
  'pages',
  'bytes',
  'zones',
  'minFreeKbytes',
  'watermarkScaleFactor',
  'pcpBatch',
  'pcpHigh',
  'debug',
  'pageOwnerStacks',
  'initOnAlloc',
  'failPageAlloc',
  'comm',
  'printk',
]);

/**
 * createMemory's options read once, field by field, into plain objects (zones and fault injection
 * included) before anything validates them: a getter or Proxy trap that throws is
 * INVALID_ARGUMENT, and none can answer differently to validation and to use.
 */
function plainMemoryOptions(options: unknown): MemoryOptions {
  const fn = 'createMemory';
  const o = readOptions(fn, 'options', options, MEMORY_OPTION_KEYS);
  let zonesArray = false;
  try {
    zonesArray = Array.isArray(o.zones);
  } catch {
    invalidArgument(fn, 'zones must be an array of 1..4 zones', o.zones);
  }
  if (zonesArray) {
    const zones = o.zones as readonly unknown[];
    let length: unknown;
    try {
      length = zones.length;
    } catch {
      invalidArgument(fn, 'zones must be an array of 1..4 zones', zones);
    }
    if (typeof length === 'number' && length >= 0 && length <= 4) {
      const copy: unknown[] = [];
      for (let i = 0; i < length; i++) {
        let z: unknown;
        try {
          z = zones[i];
        } catch {
          invalidArgument(fn, `reading zones[${i}] threw (a getter or a Proxy trap)`, zones);
        }
        copy.push(typeof z === 'object' && z !== null ? readOptions(fn, `zones[${i}]`, z, ['name', 'pages'] as const) : z);
      }
      o.zones = copy;
    }
  }
  if (typeof o.failPageAlloc === 'object' && o.failPageAlloc !== null) o.failPageAlloc = plainFailOptions(o.failPageAlloc, fn);
  return o as MemoryOptions;
}

/** Validates a GFP argument that arrives from plain JS. */
export function checkGfp(gfp: unknown, fn: string): number {
  if (typeof gfp !== 'number' || gfp >>> 0 !== gfp || (gfp & GFP_INVALID) !== 0) {
    invalidArgument(fn, 'gfp must be a combination of the GFP_* / __GFP_* flags', gfp);
  }
  return gfp;
}

/** Validates an allocation order: an integer 0..MAX_PAGE_ORDER. */
export function checkOrder(order: unknown, fn: string): number {
  if (typeof order !== 'number' || order >>> 0 !== order || order > MAX_ORDER_) {
    invalidArgument(fn, `order must be an integer in 0..${MAX_ORDER_} (MAX_PAGE_ORDER)`, order);
  }
  return order;
}

/**
 * `in_atomic()` or not — the context argument of every allocation: process context (a
 * {@link Memory}, may sleep) or atomic context (the {@link AtomicContext} inside `withSpinLock`).
 * The GFP argument is checked against it ({@link GfpArg}).
 */
export type AllocContext = Memory | AtomicContext;

/** After each call in `'paranoid'` mode: the whole allocator must still be consistent. */
function paranoid(mem: MemoryImpl): void {
  if (mem.paranoid) paranoidCheck(mem);
}

/**
 * `alloc_pages(gfp, order)` (`__alloc_pages()`) — takes a block of 2^order physically contiguous
 * pages from the buddy allocator and makes the caller its unique owner.
 *
 * Order-0 requests are served from the per-CPU list (refilled a batch at a time); larger ones
 * from the smallest free block that fits, split down. Below the low watermark the slow path runs
 * against the min watermark: `GFP_ATOMIC` may use part of the reserve below it, `GFP_NOWAIT` may
 * not; an allocation that may sleep then runs direct reclaim (the registered shrinkers) and drains
 * the per-CPU lists before it gives up. Failure returns `null` and logs
 * `page allocation failure: order:N, mode:…` unless `__GFP_NOWARN`.
 *
 * **When to use**: raw pages whose lifetime you manage yourself. For refcounted memory use
 * `folioAlloc`; for small objects `kmalloc` or a slab cache; for large buffers that need not be
 * physically contiguous `vmalloc`.
 *
 * **Gotchas**: the result may be `null` — the compiler makes you check it. A literal order outside
 * 0..10 is a compile error ({@link MsgBadOrder}), a non-literal one `INVALID_ARGUMENT` at run time;
 * a sleeping GFP value with an atomic context is a compile error ({@link MsgSleepInAtomic}) and
 * `SLEEP_IN_ATOMIC` at run time; unknown GFP bits are `INVALID_ARGUMENT`. Without `__GFP_ZERO` the
 * pages hold whatever their last owner wrote, as in the kernel. `__GFP_NOFAIL`: fault injection
 * never fails it; at OOM the kernel retries forever, giving it part of the reserve on each retry and
 * every reserve once the OOM killer has run. memdesc has one task and no OOM killer — nothing could
 * free memory while it waited — so it tries the reserves once (below the min watermark, then
 * without watermarks) and, if even those are gone, returns `null` after a one-time
 * `WARNING: … the kernel would retry forever here`. As in the kernel, `__GFP_NOFAIL` without
 * `__GFP_DIRECT_RECLAIM` can fail like any allocation, and it, an order above 1, or a request from
 * inside reclaim print a one-time `WARNING:` (`WARN_ON_ONCE`).
 *
 * @example
 * ```ts
 * import { createMemory, allocPages, freePages, GFP_KERNEL, __GFP_ZERO } from 'memdesc';
 * const mem = createMemory();
 * const p = allocPages(mem, GFP_KERNEL | __GFP_ZERO, 2); // Owned<Page<2>> | null: 4 zeroed pages
 * if (p) freePages(p, 2);
 * export function refused() {
 *   // @ts-expect-error — order 11 is above MAX_PAGE_ORDER (10)
 *   return allocPages(mem, GFP_KERNEL, 11);
 * }
 * ```
 * @see {@link freePages}
 * @see {@link allocPage}
 */
export function allocPages<Ctx, G extends number, Order extends number>(
  ctx: CtxArg<Ctx>,
  gfp: GfpArg<Ctx, G>,
  order: OrderArg<Order>,
): Owned<Page<Order>> | null;
export function allocPages(ctx: AllocContext, gfp: number, order: number): Owned<Page> | null {
  if (order === 0) {
    const h = allocBare0(ctx, gfp);
    if (h !== undefined) return h as unknown as Owned<Page>;
  }
  const g = checkGfp(gfp, 'allocPages');
  const mem = contextMemory(ctx, g, 'allocPages');
  const o = checkOrder(order, 'allocPages');
  return allocOwned(mem, g, o, PageKind.Bare) as unknown as Owned<Page> | null;
}

/**
 * `alloc_page(gfp)` (`alloc_pages(gfp, 0)`) — `allocPages(ctx, gfp, 0)`: one page, the unique owner's
 * handle.
 *
 * **When to use**: a single raw page; the per-CPU list serves it without touching the buddy free
 * lists in the common case.
 *
 * **Gotchas**: as {@link allocPages}: `null` on failure, sleeping GFP values refused in atomic
 * context (compile time; `SLEEP_IN_ATOMIC` at run time). Free it with `freePage` (or
 * `freePages(p, 0)`).
 *
 * @example
 * ```ts
 * import { createMemory, allocPage, freePage, GFP_KERNEL } from 'memdesc';
 * const mem = createMemory();
 * const p = allocPage(mem, GFP_KERNEL);
 * if (p) freePage(p);
 * ```
 * @see {@link allocPages}
 * @see {@link freePage}
 */
export function allocPage<Ctx, G extends number>(ctx: CtxArg<Ctx>, gfp: GfpArg<Ctx, G>): Owned<Page<0>> | null {
  const h = allocBare0(ctx, gfp);
  if (h !== undefined) return h as unknown as Owned<Page<0>>;
  const g = checkGfp(gfp, 'allocPage');
  const mem = contextMemory(ctx, g, 'allocPage');
  return allocOwned(mem, g, 0, PageKind.Bare) as unknown as Owned<Page<0>> | null;
}

/*
 * The inline paths below use module-local copies of the constants they need: V8 folds a local
 * `const` into the code, but re-reads (and checks) an imported binding at every use.
 */
const K_BARE: number = PageKind.Bare;
const K_PCP: number = PageKind.Pcp;
const MAX_ORDER_ = MAX_PAGE_ORDER;
const OWNED = Role.Owned;
// The functions and classes they call, too (a call through a local const needs no cell load).
const Handle = PageHandle;
const MemHandle = MemoryHandle;
const refill = refillPcp;
const drain = drainHigh;
const stackOf = captureSite;
const CLOCK = VM_CLOCK;
const ALLOCS = VM_ALLOCATIONS;
const FREES = VM_FREES;
const PGALLOC = VM_PGALLOC;
const BARE_PAGES = VM_KIND + PageKind.Bare;
const GFP_INVALID = ~GFP_VALID_MASK;
const GFP_ZERO: number = __GFP_ZERO;
const GFP_SLEEPS: number = __GFP_DIRECT_RECLAIM;
const PO_REC = REC;
const PO_ALLOC_TS = REC_ALLOC_TS;
const PO_FREE_TS = REC_FREE_TS;
const PO_GFP_ORDER = REC_GFP_ORDER;

/**
 * The common case of `allocPage`, inline: an order-0 page for a Memory's process context, served
 * by `rmqueue_pcplist()` above the low watermark on a one-zone machine. It does exactly what
 * checkGfp + contextMemory + allocOwned would (the clock, `prep_new_page()` for an order-0 page
 * with no compound, zeroing, page_owner, vmstat, the handle), without their generality; returns
 * `undefined` whenever any of that generality is needed (an atomic context or a bad argument, a
 * per-CPU list that cannot be refilled, the watermark, fault injection, `'paranoid'`), and the caller
 * takes the general path.
 */
function allocBare0(ctx: unknown, gfp: unknown): PageHandle | undefined {
  const mem = MemHandle.impl(ctx);
  if (mem === undefined || mem.fast === false || typeof gfp !== 'number' || gfp >>> 0 !== gfp || (gfp & GFP_INVALID) !== 0) return undefined;
  const z = mem.soleZone!;
  // get_page_from_freelist(): the low watermark, then rmqueue_pcplist(), refilling an empty list.
  if (z.freePages <= z.wmarkLow || (gfp & GFP_SLEEPS && mem.atomicDepth > 0)) return undefined;
  if (z.pcpCount === 0 && refill(mem, z) === 0) return undefined;
  const count = z.pcpCount - 1;
  z.pcpCount = count;
  const pfn = z.pcp[(z.pcpBottom + count) & z.pcpMask]!;
  const m = mem.map;
  // prep_new_page(): a page off the per-CPU list already has order 0 and no flags.
  m.kind[pfn] = K_BARE;
  if ((gfp & GFP_ZERO || mem.initOnAlloc === true) && mem.contents.size > 0) mem.contents.delete(pfn);
  const vm = mem.vm;
  const clock = ++vm[CLOCK]!;
  vm[ALLOCS]!++;
  vm[PGALLOC]!++;
  vm[BARE_PAGES]!++;
  const po = mem.pageOwner;
  if (po !== null) {
    const r = PO_REC * pfn;
    po.rec[r + PO_ALLOC_TS] = clock;
    po.rec[r + PO_GFP_ORDER] = gfp; // order 0
    if (po.allocSites !== null) po.allocSites.set(pfn, stackOf());
  }
  return new Handle(mem, pfn, pfn, m.gen[pfn]!, 0, OWNED);
}

/**
 * The common case of `freePage`, inline: the owner of a bare order-0 page with no flags, onto the
 * per-CPU list of a one-zone machine (draining a batch at `high`) — exactly what freeOwned +
 * releaseBlock + free_unref_page() would do there. Returns false (having changed nothing) whenever
 * the general path must run: any refusal, a flag, `'paranoid'`.
 */
function freeBare0(page: unknown): boolean {
  const head = Handle.ownedHead(page);
  if (head < 0) return false;
  const h = page as PageHandle;
  const mem = Handle.mem(h);
  const m = mem.map;
  if (mem.fast === false || Handle.order(h) !== 0 || m.kind[head] !== K_BARE || m.flags[head] !== 0) return false;
  Handle.kill(h);
  m.gen[head] = (m.gen[head]! + 1) >>> 0;
  m.kind[head] = K_PCP;
  const vm = mem.vm;
  const clock = ++vm[CLOCK]!;
  vm[FREES]!++;
  vm[BARE_PAGES]!--;
  const po = mem.pageOwner;
  if (po !== null) {
    po.rec[PO_REC * head + PO_FREE_TS] = clock;
    if (po.freeSites !== null) po.freeSites.set(head, stackOf());
  }
  // free_unref_page(): onto the per-CPU list; at `high` a batch drains from its cold end.
  const z = mem.soleZone!;
  const count = z.pcpCount + 1;
  z.pcp[(z.pcpBottom + count - 1) & z.pcpMask] = head;
  z.pcpCount = count;
  if (count >= z.pcpHigh) drain(mem, z);
  return true;
}

/** Allocates a block for a memdesc layer and returns its owning handle (or null). */
export function allocOwned(mem: MemoryImpl, gfp: number, order: number, kind: PageKind): PageHandle | null {
  mem.tick();
  const pfn = mem.allocBlock(gfp, order);
  if (pfn < 0) {
    paranoid(mem);
    return null;
  }
  mem.prepBlock(pfn, order, gfp, kind);
  const h = new PageHandle(mem, pfn, pfn, mem.map.gen[pfn]!, order, OWNED);
  paranoid(mem);
  return h;
}

/**
 * Why a block may not be freed now (`free_page_is_bad()` / `page_bad_reason()`), or null.
 */
export function badFreeReason(mem: MemoryImpl, head: number): string | null {
  const m = mem.map;
  const flags = m.flags[head]!;
  if (flags & KMAP_MASK) return 'page still mapped by kmap_local_page() (withPageMapped)';
  if (flags & PageFlag.Locked) return 'PAGE_FLAGS_CHECK_AT_FREE flag(s) set: locked';
  const kind = m.kind[head]!;
  if (kind === PageKind.Folio && m.u1[head]! !== 0) return 'nonzero mapcount';
  return null;
}

/**
 * `__free_pages(page, order)` — gives a block back to the buddy allocator, merging it with its free
 * buddies. Only the owner may free, with the order it allocated; the handle is consumed.
 *
 * **When to use**: for pages from `allocPages`/`allocPage`. Folios are put (`folioPut`), slab
 * objects freed to their cache, vmalloc areas with `vfree`, page tables with `pagetableFree`.
 *
 * **Gotchas**: at compile time, another literal order than the allocation's
 * ({@link MsgWrongFreeOrder}), a borrow, a counted reference, a possibly-`null` handle and a handle
 * already freed are refused. At run time: a freed handle is `DOUBLE_FREE`; another order than
 * allocated is `BAD_ORDER`; a borrowed view or a reference is `FREE_BORROWED`; a page still mapped
 * by `withPageMapped`, or a block another memdesc owns, is `BAD_PAGE_STATE`; a copied or hand-made
 * handle is `FOREIGN_HANDLE`. Each leaves the allocator untouched.
 *
 * @example
 * ```ts
 * import { createMemory, allocPages, freePages, MmError, GFP_KERNEL } from 'memdesc';
 * const mem = createMemory();
 * const p = allocPages(mem, GFP_KERNEL, 3)!;
 * freePages(p, 3);
 * try {
 *   // @ts-expect-error — p was consumed by the free above
 *   freePages(p, 3);
 * } catch (e) {
 *   console.log((e as MmError).code); // "DOUBLE_FREE"
 * }
 * ```
 * @see {@link allocPages}
 */
export function freePages<P, O extends number>(page: FreePagesArg<P>, order: FreeOrderArg<P, O>): asserts page is FreePagesArg<P> & Consumed;
export function freePages(page: Owned<Page>, order: number): void {
  if (order !== 0 || !freeBare0(page)) freeOwned(page, order, 'freePages');
}

/**
 * `__free_page(page)` — `freePages(page, 0)`: gives one page back; consumes the handle.
 *
 * **When to use**: for a page from `allocPage` (or an order-0 `allocPages`).
 *
 * **Gotchas**: a block of order > 0 is a compile error when its order is known, and `BAD_ORDER` at
 * run time; everything else as {@link freePages}.
 *
 * @example
 * ```ts
 * import { createMemory, allocPage, freePage, GFP_KERNEL } from 'memdesc';
 * const mem = createMemory();
 * const p = allocPage(mem, GFP_KERNEL)!;
 * freePage(p);
 * ```
 * @see {@link freePages}
 */
export function freePage<P>(page: FreePageArg<P>): asserts page is FreePageArg<P> & Consumed {
  if (!freeBare0(page)) freeOwned(page, 0, 'freePage');
}

function freeOwned(page: unknown, order: unknown, fn: string): void {
  const head = H.ownedHead(page);
  if (head < 0) throw handleError(page, fn, head);
  const h = page as PageHandle;
  const mem = H.mem(h);
  const m = mem.map;
  const allocated = H.order(h);
  if (order !== allocated) {
    checkOrder(order, fn);
    const msg =
      `BUG: Bad page state in process ${mem.comm} pfn:${hexPfn(head)} reason: ` +
      `freed with order ${order}, allocated with order ${allocated}\n${mem.dumpPage(head)}`;
    mem.logOnly(msg);
    throw new MmError('BAD_ORDER', msg, head);
  }
  const kind = m.kind[head]!;
  if (kind !== K_BARE) {
    const msg = `BUG: ${fn}(): pfn:${hexPfn(head)} belongs to a ${PAGE_KIND_NAMES[kind]} memdesc; free it through its owner`;
    mem.logOnly(msg);
    throw new MmError('BAD_PAGE_STATE', msg, head);
  }
  if (m.flags[head]! & FREE_CHECK_FLAGS) {
    const bad = badFreeReason(mem, head);
    if (bad !== null) throw mem.badPage(head, bad);
  }
  H.kill(h);
  mem.tick();
  mem.releaseBlock(head, allocated);
  if (mem.paranoid) paranoidCheck(mem);
}

/** Flags that make a free illegal (`PAGE_FLAGS_CHECK_AT_FREE`), plus the kmap count. */
const FREE_CHECK_FLAGS = KMAP_MASK | PageFlag.Locked;

/** The MmError for a handle that {@link H.ownedHead} refused. */
function handleError(page: unknown, fn: string, code: number): MmError {
  if (code === NOT_A_HANDLE || code === STALE) {
    try {
      checkHandle(page, fn, true);
    } catch (e) {
      return e as MmError;
    }
  }
  const h = page as PageHandle;
  const mem = H.mem(h);
  const msg =
    H.role(h) === Role.Borrowed
      ? `BUG: ${fn}(): pfn:${hexPfn(H.pfn(h))} is a borrowed view (virtToPage, vmallocToPage, folioPage…); only its owner may free it`
      : `BUG: ${fn}(): pfn:${hexPfn(H.pfn(h))} is a counted reference (ARef); give it back with putPage()/folioPut()`;
  mem.logOnly(msg);
  return new MmError('FREE_BORROWED', msg, H.pfn(h));
}

setDisposer(PageKind.Bare, (h) => {
  if (H.role(h) === Role.Owned) freeOwned(h, H.order(h), 'dispose');
});

/**
 * `page_to_pfn(page)` — the page frame number: the page's index in the machine's memmap.
 *
 * **When to use**: to identify a page in logs, in `/proc` views, or when comparing two views of the
 * same page.
 *
 * **Gotchas**: any live page handle will do (owner, borrow). A consumed handle is a compile error;
 * a stale one (its block freed through another handle) is `USE_AFTER_FREE`; a copied object is
 * `FOREIGN_HANDLE`.
 *
 * @example
 * ```ts
 * import { createMemory, allocPage, pageToPfn, freePage, GFP_KERNEL } from 'memdesc';
 * const mem = createMemory();
 * const p = allocPage(mem, GFP_KERNEL)!;
 * console.log(pageToPfn(p));
 * freePage(p);
 * ```
 */
export function pageToPfn<P>(page: PageArg<P, 'page_to_pfn()'>): Pfn {
  return H.pfn(checkHandle(page, 'pageToPfn', false)) as Pfn;
}

/**
 * `pfn_to_page()` with a literal pfn that is no page frame number — the compile-time refusal of a
 * negative or fractional literal ({@link PfnArg}); at run time the same call, or a pfn beyond the
 * machine, is `INVALID_ARGUMENT`.
 */
export type MsgBadPfn = 'pfn_to_page(): a pfn is a page frame number, a whole number from 0 up to the machine\'s last page frame';

/**
 * `pfn_to_page(pfn)`'s `pfn` — a literal page frame number passes, a negative or fractional literal
 * is refused with {@link MsgBadPfn}; a non-literal `number` (a pfn read from a page-table entry,
 * say) passes and is checked at run time.
 */
export type PfnArg<N extends number> = number extends N ? N : `${N}` extends `-${string}` | `${string}.${string}` | `${string}e${string}` ? MsgBadPfn : N;

/**
 * `pfn_to_page(pfn)` — the page at a page frame number, as a borrow of unknown owner
 * (`Borrowed<Page<0>>`): it can be read and asked who owns it (`pagePtdesc`, `pageFolio`,
 * `pageMemdesc`), never freed, put or counted.
 *
 * **When to use**: to follow a page frame number you read somewhere — a page-table entry, a trace,
 * a log — back to its page: `pagePtdesc(pfnToPage(mem, pfn))` leads from an entry written into a
 * table page to the next-level table, with no `Map<pfn, PtDesc>` of your own.
 *
 * **Gotchas**: the owner is unknown to the compiler, so `getPage` on the borrow is a compile error
 * (and `NOT_REFCOUNTED` for anything but a folio page at run time: ask `pageFolio` and `folioGet`
 * instead); freeing it is a compile error and `FREE_BORROWED`. A pfn outside the machine, or not
 * an integer, is `INVALID_ARGUMENT` (a negative or fractional literal already fails to compile).
 * Like the kernel's, it accepts every valid pfn, free ones too; but a free page has no owner, so
 * there is nothing to borrow: the borrow of a free pfn is stale from the start, and every use of
 * it — `pageToPfn`, `pagePtdesc`, `readRaw` — is `USE_AFTER_FREE`, as KASAN reports any access to
 * a free page. It stays stale when the page is allocated later (the new owner did not lend it).
 * The borrow of an allocated pfn goes stale when its owner frees the block.
 *
 * @example
 * ```ts
 * import { createMemory, allocPage, pageToPfn, pfnToPage, pagePtdesc, freePage, MmError, GFP_KERNEL } from 'memdesc';
 * const mem = createMemory();
 * const p = allocPage(mem, GFP_KERNEL)!;
 * const pfn = pageToPfn(p);
 * const view = pfnToPage(mem, pfn); // Borrowed<Page<0>>: owner unknown
 * console.log(pageToPfn(view) === pfn, pagePtdesc(view)); // true null
 * freePage(p);
 * try {
 *   pageToPfn(view); // the owner freed the page: the borrow is stale
 * } catch (e) {
 *   console.log((e as MmError).code); // "USE_AFTER_FREE"
 * }
 * export function refused() {
 *   // @ts-expect-error — a borrow cannot be freed
 *   freePage(pfnToPage(mem, pfn));
 *   // @ts-expect-error — pfn_to_page(): a pfn is a page frame number, a whole number …
 *   return pfnToPage(mem, -1);
 * }
 * ```
 * @see {@link pageToPfn}
 * @see {@link pagePtdesc}
 */
export function pfnToPage<N extends number>(mem: Memory, pfn: PfnArg<N>): Borrowed<Page<0>> {
  const fn = 'pfnToPage';
  const m = asMemory(mem, fn);
  const n: unknown = pfn;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0 || n >= m.nrPages) {
    invalidArgument(fn, `pfn must be an integer in 0..${m.nrPages - 1} (the page frames of ${m.describe()})`, n);
  }
  const head = m.blockHead(n);
  const kind = head < 0 ? PageKind.None : m.map.kind[head]!;
  if (head < 0 || kind === PageKind.Buddy || kind === PageKind.Pcp) {
    // A free page has no owner to borrow it from: the borrow is stale from the start.
    const dead = new PageHandle(m, n, n, m.map.gen[n]!, 0, Role.Borrowed, true);
    H.kill(dead);
    return dead as unknown as Borrowed<Page<0>>;
  }
  return new PageHandle(m, n, head, m.map.gen[head]!, 0, Role.Borrowed, true) as unknown as Borrowed<Page<0>>;
}

/**
 * `page_address(page)` — the page's address in the linear map (`pageOffset(mem) + pfn * PAGE_SIZE`;
 * `PAGE_OFFSET + pfn * PAGE_SIZE` for the first machine to hand out an address). The address
 * remembers the page's owner, so `virtToPage` of it gives back a
 * borrow of the same provenance.
 *
 * **When to use**: to hand the page to code that works on addresses (`readRaw`/`writeRaw` on an
 * address, `virtToPage`), as kernel code passes `void *` around.
 *
 * **Gotchas**: the address stays a number after the page is freed; using it then is
 * `USE_AFTER_FREE` at run time (or, once the page is reused, silently the new owner's memory — as
 * in C). A consumed handle is a compile error; a stale one `USE_AFTER_FREE`.
 *
 * @example
 * ```ts
 * import { createMemory, allocPage, pageAddress, freePage, GFP_KERNEL } from 'memdesc';
 * const mem = createMemory();
 * const p = allocPage(mem, GFP_KERNEL)!;
 * console.log(pageAddress(p).toString(16)); // 888000xxx000
 * freePage(p);
 * ```
 * @see {@link virtToPage}
 */
export function pageAddress<P>(page: PageArg<P, 'page_address()'>): VirtAddr<OwnerOf<P>> {
  const h = checkHandle(page, 'pageAddress', false);
  return (H.mem(h).linearBase + H.pfn(h) * 4096) as VirtAddr<OwnerOf<P>>;
}

/**
 * `virt_to_page(addr)`'s argument — a live linear-map address, or the reason it is refused: a
 * consumed address ({@link MsgConsumed}), a vmalloc address ({@link MsgVirtToPageVmalloc}) or a
 * plain number ({@link MsgNotAnAddress}).
 */
export type VirtToPageArg<A> = Checked<A> extends Checked<VirtAddr & Live>
  ? A
  : NoInfer<HandleRefusal<'virt_to_page()', A, Checked<A> extends Checked<VmallocAddr> ? MsgVirtToPageVmalloc : Checked<A> extends Checked<Page> ? MsgAddressNotPage<'virt_to_page()'> : MsgNotAnAddress>>;

/**
 * `virt_to_page(addr)` — the page behind a linear-map address, as a borrow: it can be read, never
 * freed or put, and it remembers the address's provenance, so `getPage(virtToPage(kmalloc(…)))`
 * is refused (that page belongs to a slab).
 *
 * **When to use**: to reach the page of a kernel address you were handed (a slab object, a buffer,
 * a folio's address) in order to read it or to ask which memdesc owns it (`pageFolio`).
 *
 * **Gotchas**: a vmalloc address is a compile error and `BAD_ADDRESS` at run time (use
 * `vmallocToPage`), as is any number outside the linear map; a plain number is refused at compile
 * time ({@link MsgNotAnAddress}); an address of a free page is `USE_AFTER_FREE`. The borrow goes
 * stale when the owner frees the page.
 *
 * @example
 * ```ts
 * import { createMemory, allocPage, pageAddress, virtToPage, pageToPfn, freePage, GFP_KERNEL } from 'memdesc';
 * const mem = createMemory();
 * const p = allocPage(mem, GFP_KERNEL)!;
 * const view = virtToPage(pageAddress(p)); // Borrowed<Page<0, PageOwner>>
 * console.log(pageToPfn(view) === pageToPfn(p)); // true
 * freePage(p);
 * ```
 * @see {@link vmallocToPage}
 */
export function virtToPage<A>(addr: VirtToPageArg<A>): Borrowed<Page<0, AddrOwner<A>>> {
  return borrowAddress(addr, 'virtToPage') as unknown as Borrowed<Page<0, AddrOwner<A>>>;
}

/** Resolves a linear-map address to a borrowed handle of its page. */
export function borrowAddress(addr: unknown, fn: string): PageHandle {
  if (typeof addr !== 'number' || !Number.isSafeInteger(addr)) invalidArgument(fn, 'addr must be a kernel virtual address (an integer)', addr);
  const mem = MemoryImpl.forLinearAddress(addr);
  if (mem === undefined) {
    const what =
      addr >= VMALLOC_START ? 'a vmalloc address is not in the linear map (use vmallocToPage())' : 'not an address in any machine\'s linear map';
    throw new MmError('BAD_ADDRESS', `BUG: ${fn}(0x${addr.toString(16)}): ${what}`);
  }
  const pfn = Math.floor((addr - mem.linearBase) / 4096);
  const head = mem.blockHead(pfn);
  const kind = head < 0 ? PageKind.None : mem.map.kind[head]!;
  if (head < 0 || kind === PageKind.Buddy || kind === PageKind.Pcp) {
    const msg = `BUG: KASAN: use-after-free in ${fn}(): address 0x${addr.toString(16)} is in pfn:${hexPfn(pfn)}, which is free`;
    mem.logOnly(msg);
    throw new MmError('USE_AFTER_FREE', msg, pfn);
  }
  return new PageHandle(mem, pfn, head, mem.map.gen[head]!, 0, Role.Borrowed, true);
}

/**
 * `PAGE_OFFSET` of one machine — where its linear map begins. Each machine has its own window, so
 * an address alone identifies its machine; a machine takes its window when it first hands out a
 * linear-map address (this call, `pageAddress`, `kmalloc`, …), and the first to do so gets
 * {@link PAGE_OFFSET}. A collected machine's window is reused.
 *
 * **When to use**: to turn a pfn into an address or back (`pageOffset(mem) + pfn * PAGE_SIZE`), as
 * `__va()` / `__pa()` do.
 *
 * **Gotchas**: a number you compute this way has no provenance: `virtToPage` refuses it at compile
 * time until you cast it to a `VirtAddr`. A non-`Memory` argument is `INVALID_ARGUMENT`.
 *
 * @example
 * ```ts
 * import { createMemory, allocPage, pageAddress, pageOffset, pageToPfn, freePage, GFP_KERNEL, PAGE_SIZE } from 'memdesc';
 * const mem = createMemory();
 * const p = allocPage(mem, GFP_KERNEL)!;
 * console.log(pageAddress(p) === pageOffset(mem) + pageToPfn(p) * PAGE_SIZE); // true
 * freePage(p);
 * ```
 */
export function pageOffset(mem: Memory): number {
  return asMemory(mem, 'pageOffset').linearBase;
}

/**
 * `drain_all_pages()` — gives every page cached on the per-CPU lists back to the buddy free lists,
 * merging buddies. After freeing everything and draining, `buddyinfo` equals the initial one.
 *
 * **When to use**: before comparing `buddyinfo`/`memStats` snapshots, or when a test wants to see
 * blocks coalesce; an allocation that may sleep also drains them in its slow path before failing.
 *
 * **Gotchas**: it changes no allocation and cannot fail, except `INVALID_ARGUMENT` for a
 * non-`Memory` argument and `SLEEP_IN_ATOMIC` under a spinlock (it takes a mutex; passing the
 * atomic context is a compile error). Like `/proc/buddyinfo`, `buddyinfo` does not count pages on
 * the per-CPU lists, so it differs before and after a drain.
 *
 * @example
 * ```ts
 * import { createMemory, allocPage, freePage, drainAllPages, buddyinfo, GFP_KERNEL } from 'memdesc';
 * const mem = createMemory();
 * const before = buddyinfo(mem);
 * freePage(allocPage(mem, GFP_KERNEL)!);
 * drainAllPages(mem);
 * console.log(buddyinfo(mem) === before); // true
 * ```
 */
export function drainAllPages<Ctx extends AllocContext = Memory>(mem: MaySleepCtx<Ctx, 'drainAllPages'>): void {
  const m = asMemory(mem, 'drainAllPages');
  mightSleep(m, 'drainAllPages'); // drain_all_pages() takes pcp_batch_high_lock, a mutex
  m.tick();
  m.drainAll();
  paranoid(m);
}

/**
 * `fail_page_alloc` — (re)configures fault injection: fail the Nth allocation, a seeded share of
 * them, or only those above an order. `failPageAlloc(mem, {})` turns it off.
 *
 * **When to use**: to test a caller's error path (every allocation can return `null`), as
 * `/sys/kernel/debug/fail_page_alloc` does for kernel code.
 *
 * **Gotchas**: a bad field is `INVALID_ARGUMENT` and changes nothing, as is an array or an object
 * whose getter (or Proxy trap) throws; each field is read once. `__GFP_NOFAIL` is never
 * failed, as in the kernel. An injected failure is reported like a real one
 * (`FAULT_INJECTION: forcing a failure.` then `page allocation failure`) unless `__GFP_NOWARN`.
 * Slab, kmalloc and vmalloc allocations fail with it whenever they need new pages.
 *
 * @example
 * ```ts
 * import { createMemory, allocPage, failPageAlloc, GFP_KERNEL, __GFP_NOWARN } from 'memdesc';
 * const mem = createMemory();
 * failPageAlloc(mem, { failNth: 1 });
 * console.log(allocPage(mem, GFP_KERNEL | __GFP_NOWARN)); // null
 * ```
 * @see {@link FailPageAllocOptions}
 * @see {@link failPageAllocInjected}
 */
export function failPageAlloc(mem: Memory, options: FailPageAllocOptions): void {
  const m = asMemory(mem, 'failPageAlloc');
  m.fail.configure(plainFailOptions(options, 'failPageAlloc'), 'failPageAlloc');
  m.updateFast();
}

/**
 * `fail_page_alloc`'s count of injected failures (no debugfs file; the kernel only counts down
 * `times`) — the number of allocations failed on purpose so far.
 *
 * **When to use**: to assert that a test really exercised the failure path it meant to.
 *
 * **Gotchas**: it counts injected failures only, not real ones (see
 * `memStats(mem).vmstat.allocFailures` for all of them). A non-`Memory` argument is
 * `INVALID_ARGUMENT`.
 *
 * @example
 * ```ts
 * import { createMemory, allocPage, failPageAlloc, failPageAllocInjected, GFP_KERNEL, __GFP_NOWARN } from 'memdesc';
 * const mem = createMemory();
 * failPageAlloc(mem, { probability: 1, times: 2 });
 * for (let i = 0; i < 3; i++) allocPage(mem, GFP_KERNEL | __GFP_NOWARN);
 * console.log(failPageAllocInjected(mem)); // 2
 * ```
 */
export function failPageAllocInjected(mem: Memory): number {
  return asMemory(mem, 'failPageAllocInjected').fail.injected;
}

