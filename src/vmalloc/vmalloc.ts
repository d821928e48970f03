/**
 * vmalloc (mm/vmalloc.c): virtually contiguous memory built from physically scattered order-0
 * pages, in its own address range (`VMALLOC_START` …). The area owns its pages; they have no
 * refcount of their own. `vmallocToPage` hands out borrows and takes no reference.
 *
 * vmalloc addresses are never reused within a process, so any access through the address of a
 * freed area is recognised as a use after free.
 *
 * @module
 */
import { MmError, invalidArgument } from '../debug/mm-error.js';
import { verifyMemoryImpl } from '../debug/verify.js';
import { PAGE_SIZE } from '../page-alloc/constants.js';
import { setVmallocSpanResolver, type Span } from '../page-alloc/contents.js';
import { GFP_KERNEL, __GFP_NOWARN } from '../page-alloc/gfp.js';
import { PageHandle, Role } from '../page-alloc/handle.js';
import { PageKind } from '../page-alloc/memmap.js';
import type { MachineLife, MemoryImpl } from '../page-alloc/memory.js';
import { allocBulk0, releaseBulk0 } from '../page-alloc/alloc.js';
import { badFreeReason, checkGfp, type AllocContext } from '../page-alloc/page-alloc.js';
import { contextMemory, mightSleep } from '../sync/spinlock.js';
import { VMALLOC_END, VMALLOC_START, type VirtAddr, type VmallocAddr } from '../types/address.js';
import type { AtomicContext, GfpArg, ProcessContextMark } from '../types/gfp.js';
import type { MsgAddressNotPage, MsgBadContext, MsgConsumed, MsgNotAnAddress, MsgVfree, MsgVmallocToPageLinear } from '../types/messages.js';
import type { Borrowed, Checked, Consumed, HandleRefusal, Live, Unconsumed } from '../types/ownership.js';
import type { Expected, Page } from '../types/page.js';

declare const areaKey: unique symbol;

/**
 * `struct vm_struct`, by its address — what `vmalloc()` returns: the start address of a vmalloc
 * area that owns its pages. `readRaw`/`writeRaw` accept it (bounded by the size asked for),
 * `vmallocToPage` and `vmallocPageIter` reach its pages, `vfree` frees it.
 *
 * **When to use**: large buffers that need not be physically contiguous (module images, big tables,
 * Binder's per-process buffer space).
 *
 * **Gotchas**: it is a vmalloc address, not a linear-map one: `virtToPage` of it is a compile error
 * and `BAD_ADDRESS`. Its pages are borrowed, never counted (`getPage` refuses them). After `vfree`,
 * any use of the address is a compile error in the same function and `USE_AFTER_FREE` at run time
 * (vmalloc addresses are never reused).
 *
 * @example
 * ```ts
 * import { createMemory, vmalloc, vfree, readRaw, writeRaw, type VmallocArea } from 'memdesc';
 * const mem = createMemory();
 * const area: VmallocArea = vmalloc(mem, 3 * 4096)!;
 * writeRaw(area, new Uint8Array([7]), 8192);
 * const out = new Uint8Array(1);
 * readRaw(area, out, 8192);
 * console.log(out[0]); // 7
 * vfree(area);
 * ```
 * @see {@link vmalloc}
 */
export type VmallocArea = VmallocAddr & VmallocAreaMark;

/** (no kernel counterpart) — the phantom mark of a vmalloc area's start address ({@link VmallocArea}). */
export interface VmallocAreaMark {
  /** Phantom: marks a vmalloc area's start address, spelled as the rule for freeing it. */
  readonly [areaKey]: 'a vmalloc area: free it with vfree()';
}

/**
 * `might_sleep()` in `vmalloc()` — why vmalloc refuses an atomic context: it allocates page tables
 * and takes `vmap_area_lock`, so it may sleep. At run time `SLEEP_IN_ATOMIC`.
 */
export type MsgVmallocAtomic = 'vmalloc() may sleep (it allocates page tables and takes vmap_area_lock): not under a spinlock';

/**
 * `vmalloc()`'s context — process context only: a `Memory` passes, an atomic context becomes
 * {@link MsgVmallocAtomic}.
 */
export type VmallocCtx<Ctx> = Checked<Ctx> extends Checked<ProcessContextMark>
  ? Ctx
  : Checked<Ctx> extends Checked<ProcessContextMark | AtomicContext>
    ? MsgVmallocAtomic
    : MsgBadContext;

/**
 * `vmalloc_to_page(addr)`'s argument — a live vmalloc address, or the reason it is refused: a
 * consumed address ({@link MsgConsumed}), a linear-map address ({@link MsgVmallocToPageLinear}) or
 * a plain number ({@link MsgNotAnAddress}).
 */
export type VmallocToPageArg<A> = [A] extends [VmallocAddr & Live] // a tuple, not Checked: vmallocToPage's body needs the constraint it gives A
  ? A
  : NoInfer<HandleRefusal<'vmalloc_to_page()', A, Checked<A> extends Checked<VirtAddr> ? MsgVmallocToPageLinear : Checked<A> extends Checked<Page> ? MsgAddressNotPage<'vmalloc_to_page()'> : MsgNotAnAddress>>;

/**
 * A vmalloc-area parameter of kernel function `Fn` (`vfree()`, `vmalloc_size()`, the page iterator)
 * — the live start address `vmalloc()` returned, or the sentence that refuses anything else
 * ({@link MsgVfree}; a consumed area is a double free or a use after free).
 */
export type VmallocAreaArg<A, Fn extends string> = Checked<A> extends Checked<VmallocArea & Live>
  ? A
  : NoInfer<HandleRefusal<Fn, A, MsgVfree<Fn>> | Expected<VmallocArea & Unconsumed, A>>;

/**
 * One vmalloc area (`struct vm_struct`). The process-wide list of areas refers to the machine
 * weakly (through its MachineLife), so an area never vfree'd does not keep a dropped machine alive;
 * `mem` is only read once `liveArea` found the machine alive.
 */
class Area {
  readonly life: MachineLife;
  readonly start: number;
  readonly size: number;
  readonly pages: Int32Array;
  readonly gens: Uint32Array;
  freed = false;
  constructor(life: MachineLife, start: number, size: number, pages: Int32Array, gens: Uint32Array) {
    this.life = life;
    this.start = start;
    this.size = size;
    this.pages = pages;
    this.gens = gens;
  }
  /** The machine, alive: liveArea() refuses areas whose machine was collected. */
  get mem(): MemoryImpl {
    return this.life.ref.deref()!;
  }
}

/* The vmalloc address space of the process: areas in address order (allocation is a bump). */
const areaStarts: number[] = [];
const areaList: Area[] = [];
let nextVaddr = VMALLOC_START;
let freedSinceCompaction = 0;

function findArea(addr: number): Area | undefined {
  let lo = 0;
  let hi = areaStarts.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (areaStarts[mid]! <= addr) lo = mid + 1;
    else hi = mid - 1;
  }
  const a = hi >= 0 ? areaList[hi] : undefined;
  // The area plus its guard page, of a machine still alive.
  if (a === undefined || addr >= a.start + a.pages.length * PAGE_SIZE + PAGE_SIZE || a.life.gone) return undefined;
  return a.life.ref.deref() === undefined ? undefined : a;
}

/**
 * Keeps the list of freed areas bounded: every 4096 frees, one pass drops all but the newest 4096
 * freed areas (their addresses then read as "not a vmalloc address" rather than "freed").
 */
function compact(): void {
  if (++freedSinceCompaction < 4096) return;
  freedSinceCompaction = 0;
  let freedSeen = 0;
  let gone = 0;
  for (let i = areaList.length - 1; i >= 0; i--) {
    if (areaList[i]!.life.gone) gone++;
    else if (areaList[i]!.freed) freedSeen++;
  }
  let drop = freedSeen - 4096;
  if (drop <= 0 && gone === 0) return;
  let w = 0;
  for (let r = 0; r < areaList.length; r++) {
    const a = areaList[r]!;
    if (a.life.gone) continue; // the areas of a collected machine
    if (a.freed && drop > 0) {
      drop--; // the oldest freed areas come first
      continue;
    }
    areaList[w] = a;
    areaStarts[w] = areaStarts[r]!;
    w++;
  }
  areaList.length = w;
  areaStarts.length = w;
}

function liveArea(addr: unknown, fn: string, freeing: boolean): Area {
  if (typeof addr !== 'number' || !Number.isSafeInteger(addr)) invalidArgument(fn, 'expected a vmalloc address', addr);
  const a = findArea(addr);
  if (a === undefined) {
    throw new MmError('BAD_ADDRESS', `BUG: ${fn}(0x${addr.toString(16)}): not a vmalloc address of any live or recently freed area`);
  }
  if (a.freed) {
    const msg = freeing
      ? `BUG: double free: ${fn}(0x${addr.toString(16)}): this vmalloc area was already freed`
      : `BUG: KASAN: use-after-free in ${fn}(): 0x${addr.toString(16)} is in a vmalloc area that was freed`;
    a.mem.logOnly(msg);
    throw new MmError(freeing ? 'DOUBLE_FREE' : 'USE_AFTER_FREE', msg);
  }
  return a;
}

/**
 * `vmalloc(size)` / `__vmalloc(size, gfp)` — `size` bytes of virtually contiguous memory, from
 * order-0 pages that need not be contiguous, mapped in vmalloc space with a guard page after the
 * area. Returns the area's address.
 *
 * **When to use**: large buffers that need not be physically contiguous; a high-order `allocPages`
 * or large `kmalloc` may fail from fragmentation where vmalloc still succeeds.
 *
 * **Gotchas**: may sleep, so atomic context is a compile error and `SLEEP_IN_ATOMIC`; `null` when
 * pages run out (the pages taken so far are given back) or vmalloc space does; a size that is not a
 * positive integer is `INVALID_ARGUMENT`, and so is a `gfp` of `null` (leave it out for
 * `GFP_KERNEL`). Addresses are never reused within a process. Accesses are bounded by `size`, not
 * by the whole pages behind it (`OUT_OF_BOUNDS`).
 *
 * @example
 * ```ts
 * import { createMemory, vmalloc, vfree, writeRaw } from 'memdesc';
 * const mem = createMemory();
 * const area = vmalloc(mem, 16 * 4096);
 * if (area) {
 *   writeRaw(area, new Uint8Array([1, 2, 3]), 40000);
 *   vfree(area);
 * }
 * ```
 * @see {@link vfree}
 * @see {@link VmallocArea}
 */
export function vmalloc<Ctx, G extends number = typeof GFP_KERNEL>(
  ctx: VmallocCtx<Ctx>,
  size: number,
  gfp?: GfpArg<Ctx, G>,
): VmallocArea | null {
  const fn = 'vmalloc';
  const g = checkGfp(gfp === undefined ? GFP_KERNEL : gfp, fn);
  const mem = contextMemory(ctx, g, fn);
  if (mem.atomicDepth > 0) {
    const msg = `BUG: sleeping function called from invalid context: vmalloc() under a spinlock`;
    mem.logOnly(msg);
    throw new MmError('SLEEP_IN_ATOMIC', msg);
  }
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size <= 0) invalidArgument(fn, 'size must be a positive integer', size);
  const nr = Math.ceil(size / PAGE_SIZE);
  if (nr > mem.nrPages) {
    if (!(g & __GFP_NOWARN)) mem.printkLine(`vmalloc error: size ${size}, exceeds total pages, mode:0x${g.toString(16)}`);
    return null;
  }
  if (nextVaddr + (nr + 1) * PAGE_SIZE > VMALLOC_END) {
    // The process's vmalloc space is used up (addresses are never reused).
    if (!(g & __GFP_NOWARN)) mem.printkLine(`vmalloc error: size ${size}, vmap allocation failed: out of vmalloc space`);
    return null;
  }
  const pages = new Int32Array(nr).fill(-1);
  const gens = new Uint32Array(nr);
  mem.tick();
  // vm_area_alloc_pages(): the bulk allocator, up to 100 pages a call, while it fills its whole
  // request; then one page at a time, which may enter the slow path.
  let got = 0;
  while (got < nr) {
    const want = Math.min(100, nr - got);
    const n = want > 1 ? allocBulk0(mem, g, want, PageKind.Vmalloc, pages, got) : 0;
    if (n > 0) got += n;
    if (n !== want) break;
  }
  for (; got < nr; got++) {
    const pfn = mem.allocBlock(g, 0);
    if (pfn < 0) {
      // __vmalloc_area_node() failed part-way: give back what it got.
      for (let j = 0; j < got; j++) mem.releaseBlock(pages[j]!, 0);
      if (!(g & __GFP_NOWARN)) mem.printkLine(`vmalloc error: size ${size}, failed to allocate pages, mode:0x${g.toString(16)}`);
      return null;
    }
    mem.prepBlock(pfn, 0, g, PageKind.Vmalloc);
    pages[got] = pfn;
  }
  const gen = mem.map.gen;
  for (let i = 0; i < nr; i++) gens[i] = gen[pages[i]!]!;
  const start = nextVaddr;
  nextVaddr += (nr + 1) * PAGE_SIZE; // one guard page after each area, as get_vm_area() leaves
  areaStarts.push(start);
  areaList.push(new Area(mem.life(), start, size, pages, gens));
  if (mem.paranoid) verifyMemoryImpl(mem);
  return start as VmallocArea;
}

/**
 * `vfree(addr)` — frees a vmalloc area and every page in it; consumes it.
 *
 * **When to use**: once for every area from `vmalloc`.
 *
 * **Gotchas**: a second `vfree` is a compile error and `DOUBLE_FREE`; an address that is not an
 * area's start is `BAD_ADDRESS`; a page still mapped by `withPageMapped` is `BAD_PAGE_STATE` and
 * nothing is freed. Unlike the kernel, `vfree(null)` is `INVALID_ARGUMENT`. `vfree` may sleep
 * (`might_sleep()` in mm/vmalloc.c): under a spinlock it is `SLEEP_IN_ATOMIC` and frees nothing
 * (the area is an address, so the compiler cannot see the lock: only the run time and the checker
 * catch it).
 *
 * @example
 * ```ts
 * import { createMemory, vmalloc, vfree } from 'memdesc';
 * const area = vmalloc(createMemory(), 8192)!;
 * vfree(area);
 * ```
 * @see {@link vmalloc}
 */
export function vfree<A>(area: VmallocAreaArg<A, 'vfree()'>): asserts area is VmallocAreaArg<A, 'vfree()'> & Consumed {
  vfreeImpl(area, 'vfree');
}

function vfreeImpl(area: unknown, fn: string): void {
  const a = liveArea(area, fn, true);
  if (a.start !== area) {
    throw new MmError('BAD_ADDRESS', `BUG: ${fn}(0x${(area as number).toString(16)}): not the start of a vmalloc area (it starts at 0x${a.start.toString(16)})`);
  }
  const mem = a.mem;
  // vfree(): might_sleep() outside interrupts (it unmaps, and frees page by page with cond_resched()).
  mightSleep(mem, fn, 'mm/vmalloc.c');
  for (const pfn of a.pages) {
    const bad = badFreeReason(mem, pfn);
    if (bad !== null) throw mem.badPage(pfn, bad);
  }
  a.freed = true;
  mem.tick();
  releaseBulk0(mem, a.pages);
  compact();
  if (mem.paranoid) verifyMemoryImpl(mem);
}

/**
 * `vmalloc_to_page(addr)` — the page behind a vmalloc address, as a borrow. Takes no reference:
 * the area owns the page, and `getPage` refuses it.
 *
 * **When to use**: to reach the physical page behind one address of an area (to read it, or to
 * hand it to code that wants a page); for all of them, `vmallocPageIter`.
 *
 * **Gotchas**: a linear-map address is a compile error and `BAD_ADDRESS` (use `virtToPage`); an
 * address of a freed area is `USE_AFTER_FREE`; the guard page after an area is `BAD_ADDRESS`.
 *
 * @example
 * ```ts
 * import { createMemory, vmalloc, vmallocToPage, pageToPfn, vfree } from 'memdesc';
 * const area = vmalloc(createMemory(), 4 * 4096)!;
 * console.log(pageToPfn(vmallocToPage(area)));
 * vfree(area);
 * ```
 * @see {@link vmallocPageIter}
 */
export function vmallocToPage<A>(addr: VmallocToPageArg<A>): Borrowed<Page<0, 'vmalloc'>> {
  const fn = 'vmallocToPage';
  if (typeof addr === 'number' && addr < VMALLOC_START) {
    throw new MmError('BAD_ADDRESS', `BUG: ${fn}(0x${addr.toString(16)}): a linear-map address, not a vmalloc one (use virtToPage())`);
  }
  const a = liveArea(addr, fn, false);
  const index = Math.floor(((addr as number) - a.start) / PAGE_SIZE);
  if (index >= a.pages.length) {
    throw new MmError('BAD_ADDRESS', `BUG: ${fn}(0x${addr.toString(16)}): in the guard page after the area at 0x${a.start.toString(16)}`);
  }
  return borrowOf(a, index) as unknown as Borrowed<Page<0, 'vmalloc'>>;
}

function borrowOf(a: Area, index: number): PageHandle {
  const pfn = a.pages[index]!;
  return new PageHandle(a.mem, pfn, pfn, a.gens[index]!, 0, Role.Borrowed);
}

/**
 * `vm_struct->pages` walked in order (Rust-for-Linux `AsPageIter`) — a vmalloc area's pages, in
 * address order, as borrows.
 *
 * **When to use**: to build a scatter list or copy an area page by page.
 *
 * **Gotchas**: the borrows take no reference; freeing the area while iterating makes the next step
 * `USE_AFTER_FREE`. A freed area is a compile error and `USE_AFTER_FREE` — at the call, not at the
 * first step of the iterator, as is anything that is not an area.
 *
 * @example
 * ```ts
 * import { createMemory, vmalloc, vmallocPageIter, pageToPfn, vfree } from 'memdesc';
 * const area = vmalloc(createMemory(), 3 * 4096)!;
 * for (const page of vmallocPageIter(area)) console.log(pageToPfn(page));
 * vfree(area);
 * ```
 */
export function vmallocPageIter<A>(area: VmallocAreaArg<A, 'vmallocPageIter()'>): IterableIterator<Borrowed<Page<0, 'vmalloc'>>> {
  // Checked now, not at the first next(): a bad argument fails at the call, like every other one.
  return pagesOf(liveArea(area, 'vmallocPageIter', false), area);
}

function* pagesOf(a: Area, area: unknown): IterableIterator<Borrowed<Page<0, 'vmalloc'>>> {
  for (let i = 0; i < a.pages.length; i++) {
    if (a.freed) throw liveArea(area, 'vmallocPageIter', false); // freed while iterating
    yield borrowOf(a, i) as unknown as Borrowed<Page<0, 'vmalloc'>>;
  }
}

/**
 * `get_vm_area_size()` before rounding to pages — the size in bytes a vmalloc area was asked for
 * (the area itself spans whole pages, plus a guard page).
 *
 * **When to use**: as the bound for `readRaw`/`writeRaw` offsets into the area.
 *
 * **Gotchas**: a freed area is a compile error and `USE_AFTER_FREE`.
 *
 * @example
 * ```ts
 * import { createMemory, vmalloc, vmallocSize, vfree } from 'memdesc';
 * const area = vmalloc(createMemory(), 5000)!;
 * console.log(vmallocSize(area)); // 5000
 * vfree(area);
 * ```
 */
export function vmallocSize<A>(area: VmallocAreaArg<A, 'vmallocSize()'>): number {
  return liveArea(area, 'vmallocSize', false).size;
}

setVmallocSpanResolver((addr: number, fn: string): Span => {
  const a = liveArea(addr, fn, false);
  const off = addr - a.start;
  if (off >= a.size) throw new MmError('OUT_OF_BOUNDS', `BUG: ${fn}(0x${addr.toString(16)}): beyond the ${a.size}-byte vmalloc area`);
  return { mem: a.mem, pages: a.pages, pfn: a.pages[0]!, start: off, size: a.size - off, folio: -1, locked: false };
});
