/**
 * Memory contents: real bytes, materialised lazily. A page's 4 KiB exist only once something
 * non-zero is written to it; an untouched page reads as zero. So a 64 GiB machine costs memory
 * only for the pages a program actually fills.
 *
 * `readRaw` / `writeRaw` / `fillZeroRaw` take any live handle (a page of any owner, a folio) or
 * any address a memdesc handed out (`pageAddress`, `folioAddress`, `kmalloc`, `kmemCacheAlloc`,
 * `vmalloc`); the bounds are those of the object the target names — the block, the slab object,
 * the vmalloc area.
 *
 * Rust-for-Linux: `Page::read_raw`, `Page::write_raw`, `Page::fill_zero_raw`,
 * `Page::with_page_mapped` (rust/kernel/page.rs).
 *
 * @module
 */
import { MmError, hexPfn, invalidArgument } from '../debug/mm-error.js';
import type { Checked, HandleRefusal, Live, LockedMark } from '../types/ownership.js';
import type { Folio } from '../folio/folio.js';
import type { Expected, OwnerOf, Page, PageArg } from '../types/page.js';
import type { VirtAddr, VmallocAddr } from '../types/address.js';
import type { MsgConsumed, MsgFolioWrite, MsgRawTarget } from '../types/messages.js';
import { PAGE_SIZE } from './constants.js';
import { H, Role, checkHandle } from './handle.js';
import { KMAP_MASK, KMAP_ONE, KM_MAX_IDX, PageFlag, PageKind } from './memmap.js';
import { MemoryImpl } from './memory.js';

/**
 * `Page::read_raw` / `write_raw`'s receiver (rust/kernel/page.rs), widened — what `readRaw` /
 * `writeRaw` / `fillZeroRaw` accept: a page or folio handle, or an address a memdesc handed out
 * (`pageAddress`, `folioAddress`, `kmalloc`, `kmemCacheAlloc`, `vmalloc`). The bounds are those of
 * the object it names: the block, one page for a page view, the slab object, the vmalloc area.
 */
export type RawTarget = Page | Folio | VirtAddr | VmallocAddr;

/**
 * `Page::read_raw`'s receiver — the target argument of `readRaw`: anything live, or the sentence
 * that refuses it: {@link MsgConsumed} for a consumed handle or address, a handle that may be
 * `null`, or something that is not a page, folio or address ({@link MsgRawTarget}).
 */
export type RawReadArg<T> = Checked<T> extends Checked<RawTarget & Live>
  ? T
  : NoInfer<Expected<Live, T> | HandleRefusal<'readRaw()', T, MsgRawTarget<'readRaw()'>>>;

/**
 * `Page::write_raw`'s receiver — the target argument of `writeRaw`/`fillZeroRaw`: anything live,
 * but a folio only through its lock guard (else {@link MsgFolioWrite}); refused as
 * {@link RawReadArg} otherwise.
 */
export type RawWriteArg<T> = Checked<T> extends Checked<RawTarget & Live>
  ? Checked<T> extends Checked<LockedMark>
    ? T
    : Checked<T> extends Checked<Folio>
      ? MsgFolioWrite
      : Checked<T> extends Checked<Page>
        ? Checked<OwnerOf<T>> extends Checked<'folio'>
          ? MsgFolioWrite
          : T
        : Checked<T> extends Checked<VirtAddr<'folio'>>
          ? MsgFolioWrite
          : T
  : NoInfer<Expected<Live, T> | HandleRefusal<'writeRaw()', T, MsgRawTarget<'writeRaw()'>>>;

/** A resolved target: which bytes of which machine, and how far the object reaches. */
export interface Span {
  readonly mem: MemoryImpl;
  /** Pages of the object, in order, when they are not contiguous (vmalloc); else null. */
  readonly pages: Int32Array | null;
  /** First pfn when contiguous. */
  readonly pfn: number;
  /** Byte offset of the target inside its first page (or inside `pages`). */
  readonly start: number;
  /** Bytes from the target to the end of its object. */
  readonly size: number;
  /** A folio head whose lock a write needs, or -1. */
  readonly folio: number;
  /** Whether the caller holds the folio's lock guard. */
  readonly locked: boolean;
}

/** Resolves vmalloc addresses (installed by the vmalloc layer). */
let vmallocSpan: ((addr: number, fn: string) => Span) | undefined;
/** Resolves an address inside a slab page (installed by the slab layer). */
let slabSpan: ((mem: MemoryImpl, head: number, addr: number, fn: string) => Span) | undefined;

export function setVmallocSpanResolver(r: (addr: number, fn: string) => Span): void {
  vmallocSpan = r;
}
export function setSlabSpanResolver(r: (mem: MemoryImpl, head: number, addr: number, fn: string) => Span): void {
  slabSpan = r;
}

function freeMemory(mem: MemoryImpl, pfn: number, fn: string, addr?: number): MmError {
  const where = addr === undefined ? `pfn:${hexPfn(pfn)}` : `address 0x${addr.toString(16)} (pfn:${hexPfn(pfn)})`;
  const msg = `BUG: KASAN: use-after-free in ${fn}(): ${where} is free memory`;
  mem.logOnly(msg);
  return new MmError('USE_AFTER_FREE', msg, pfn);
}

/** Resolves any target to the bytes it names. */
export function resolveSpan(target: unknown, fn: string): Span {
  if (typeof target === 'number') {
    if (!Number.isSafeInteger(target)) invalidArgument(fn, 'an address must be an integer', target);
    if (vmallocSpan !== undefined && target >= 0xc90000000000) return vmallocSpan(target, fn);
    const mem = MemoryImpl.forLinearAddress(target);
    if (mem === undefined) throw new MmError('BAD_ADDRESS', `BUG: ${fn}(0x${target.toString(16)}): not an address any memdesc handed out`);
    const off = target - mem.linearBase;
    const pfn = Math.floor(off / PAGE_SIZE);
    const head = mem.blockHead(pfn);
    const kind = head < 0 ? PageKind.None : mem.map.kind[head]!;
    if (head < 0 || kind === PageKind.Buddy || kind === PageKind.Pcp) throw freeMemory(mem, pfn, fn, target);
    if (kind === PageKind.Slab && slabSpan !== undefined) return slabSpan(mem, head, target, fn);
    const blockEnd = (head + (1 << mem.map.order[head]!)) * PAGE_SIZE;
    return {
      mem,
      pages: null,
      pfn: head,
      start: off - head * PAGE_SIZE,
      size: blockEnd - off,
      folio: kind === PageKind.Folio ? head : -1,
      locked: false,
    };
  }
  const h = checkHandle(target, fn, false);
  const mem = H.mem(h);
  const pfn = H.pfn(h);
  const head = H.head(h);
  const kind = mem.map.kind[head]!;
  return {
    mem,
    pages: null,
    pfn,
    start: 0,
    // A handle to a memdesc covers its whole block; a page view (folioPage, virtToPage) one page.
    size: H.pageView(h) ? PAGE_SIZE : PAGE_SIZE << H.order(h),
    folio: kind === PageKind.Folio ? head : -1,
    locked: H.role(h) === Role.Locked,
  };
}

function checkRange(span: Span, fn: string, offset: unknown, len: number): number {
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset)) invalidArgument(fn, 'offset must be an integer', offset);
  if (offset < 0 || offset + len > span.size) {
    throw new MmError(
      'OUT_OF_BOUNDS',
      `BUG: ${fn}(): access of ${len} bytes at offset ${offset} is outside the object (${span.size} bytes)`,
      span.pfn,
    );
  }
  return offset;
}

function checkWritable(span: Span, fn: string): void {
  if (span.folio >= 0 && !span.locked && (span.mem.map.flags[span.folio]! & PageFlag.Locked) === 0) {
    const msg = `BUG: ${fn}(): write to folio pfn:${hexPfn(span.folio)} without the folio lock (folioLock() it and write through the LockedFolio)`;
    span.mem.logOnly(msg);
    throw new MmError('BAD_PAGE_STATE', msg, span.folio);
  }
}

/** Calls `each(pfn, offsetInPage, bytes, done)` for the page pieces of [offset, offset+len). */
function walk(span: Span, offset: number, len: number, each: (pfn: number, inPage: number, n: number, done: number) => void): void {
  let done = 0;
  while (done < len) {
    const abs = span.start + offset + done;
    const index = Math.floor(abs / PAGE_SIZE);
    const pfn = span.pages === null ? span.pfn + index : span.pages[index]!;
    const inPage = abs & (PAGE_SIZE - 1);
    const n = Math.min(PAGE_SIZE - inPage, len - done);
    each(pfn, inPage, n, done);
    done += n;
  }
}

function backing(mem: MemoryImpl, pfn: number): Uint8Array {
  let b = mem.contents.get(pfn);
  if (b === undefined) {
    b = new Uint8Array(PAGE_SIZE);
    mem.contents.set(pfn, b);
  }
  return b;
}

/**
 * `Page::read_raw` (rust/kernel/page.rs) — copies `dst.length` bytes from the target, starting at
 * `offset`, into `dst`. Memory never written reads as zero.
 *
 * **When to use**: to look at memory contents — in tests, or in a simulation that moves data
 * (Binder copying a transaction). Any live handle or address will do, including borrows and
 * folios without their lock.
 *
 * **Gotchas**: beyond the object's end (or a negative offset) is `OUT_OF_BOUNDS`, and nothing is
 * copied; a consumed handle is a compile error ({@link MsgConsumed}) and `USE_AFTER_FREE` at run
 * time, as is an address of freed memory; a plain number that no memdesc handed out is
 * `BAD_ADDRESS`.
 *
 * @example
 * ```ts
 * import { createMemory, allocPage, readRaw, freePage, GFP_KERNEL, __GFP_ZERO } from 'memdesc';
 * const mem = createMemory();
 * const p = allocPage(mem, GFP_KERNEL | __GFP_ZERO)!;
 * const buf = new Uint8Array(16);
 * readRaw(p, buf, 0); // all zero
 * freePage(p);
 * ```
 * @see {@link writeRaw}
 */
export function readRaw<T extends RawTarget>(target: RawReadArg<T>, dst: Uint8Array, offset: number): void {
  const span = resolveSpan(target, 'readRaw');
  if (!(dst instanceof Uint8Array)) invalidArgument('readRaw', 'dst must be a Uint8Array', dst);
  const off = checkRange(span, 'readRaw', offset, dst.length);
  const contents = span.mem.contents;
  walk(span, off, dst.length, (pfn, inPage, n, done) => {
    const b = contents.get(pfn);
    if (b === undefined) dst.fill(0, done, done + n);
    else dst.set(b.subarray(inPage, inPage + n), done);
  });
}

/**
 * `Page::write_raw` (rust/kernel/page.rs) — copies `src` into the target at `offset`.
 *
 * **When to use**: to put data into memory a memdesc handed out: a page, a slab object, a vmalloc
 * area, or a folio through its lock guard.
 *
 * **Gotchas**: beyond the object's end is `OUT_OF_BOUNDS`; a folio is written only through its lock
 * guard (`folioLock`): a folio, folio page or folio address without it is a compile error
 * ({@link MsgFolioWrite}) and `BAD_PAGE_STATE` at run time. A consumed handle is a compile error
 * and `USE_AFTER_FREE`. Nothing is written when a check fails.
 *
 * @example
 * ```ts
 * import { createMemory, allocPage, folioAlloc, folioLock, folioUnlock, folioPut, writeRaw, freePage, MmError, GFP_KERNEL } from 'memdesc';
 * const mem = createMemory();
 * const p = allocPage(mem, GFP_KERNEL)!;
 * writeRaw(p, new TextEncoder().encode('hello'), 0);
 * freePage(p);
 * const f = folioAlloc(mem, GFP_KERNEL, 0)!;
 * try {
 *   // @ts-expect-error — writing to a folio needs the folio lock
 *   writeRaw(f, new Uint8Array([1]), 0);
 * } catch (e) {
 *   console.log((e as MmError).code); // "BAD_PAGE_STATE"
 * }
 * const locked = folioLock(f);
 * writeRaw(locked, new Uint8Array([1]), 0);
 * folioUnlock(locked);
 * folioPut(f);
 * ```
 * @see {@link readRaw}
 * @see {@link fillZeroRaw}
 */
export function writeRaw<T extends RawTarget>(target: RawWriteArg<T>, src: Uint8Array, offset: number): void {
  const span = resolveSpan(target, 'writeRaw');
  if (!(src instanceof Uint8Array)) invalidArgument('writeRaw', 'src must be a Uint8Array', src);
  const off = checkRange(span, 'writeRaw', offset, src.length);
  checkWritable(span, 'writeRaw');
  const mem = span.mem;
  walk(span, off, src.length, (pfn, inPage, n, done) => {
    const chunk = src.subarray(done, done + n);
    if (mem.contents.has(pfn) || chunk.some((x) => x !== 0)) backing(mem, pfn).set(chunk, inPage);
  });
}

/**
 * `Page::fill_zero_raw` (rust/kernel/page.rs) — zeroes `len` bytes from `offset`.
 *
 * **When to use**: to clear part of an object you own (a reused buffer); for a fresh allocation,
 * `__GFP_ZERO` is cheaper.
 *
 * **Gotchas**: as `writeRaw`: `OUT_OF_BOUNDS` beyond the object, folios only through their lock
 * guard (compile error, `BAD_PAGE_STATE`); a negative or non-integer `len` is `INVALID_ARGUMENT`.
 *
 * @example
 * ```ts
 * import { createMemory, allocPage, fillZeroRaw, freePage, GFP_KERNEL } from 'memdesc';
 * const mem = createMemory();
 * const p = allocPage(mem, GFP_KERNEL)!;
 * fillZeroRaw(p, 0, 4096);
 * freePage(p);
 * ```
 * @see {@link writeRaw}
 */
export function fillZeroRaw<T extends RawTarget>(target: RawWriteArg<T>, offset: number, len: number): void {
  const span = resolveSpan(target, 'fillZeroRaw');
  if (typeof len !== 'number' || !Number.isSafeInteger(len) || len < 0) invalidArgument('fillZeroRaw', 'len must be an integer >= 0', len);
  const off = checkRange(span, 'fillZeroRaw', offset, len);
  checkWritable(span, 'fillZeroRaw');
  const contents = span.mem.contents;
  walk(span, off, len, (pfn, inPage, n) => {
    const b = contents.get(pfn);
    if (b !== undefined) {
      if (n === PAGE_SIZE) contents.delete(pfn);
      else b.fill(0, inPage, inPage + n);
    }
  });
}

/**
 * `kmap_local_page()` … `kunmap_local()` (Rust-for-Linux `Page::with_page_mapped`) — maps one page
 * (the handle's page; for a block, its head page) and calls `fn` with a 4096-byte view of it.
 * Writes through the view land in the page. The view is dead once `fn` returns: its buffer is
 * detached, so a view kept past the callback reads as empty and cannot corrupt the page.
 *
 * **When to use**: many small accesses to one page (parsing a structure in place), where a
 * `Uint8Array` view is handier than `readRaw`/`writeRaw` calls.
 *
 * **Gotchas**: freeing the page inside `fn` is `BAD_PAGE_STATE` (it is still mapped); mappings nest
 * at most 16 deep (`KM_MAX_IDX`), deeper is `INVALID_ARGUMENT`. A folio page mapped without the
 * folio lock is read-only: a write through the view is discarded and reported as `BAD_PAGE_STATE`.
 * An async `fn` gets a view that dies at its first `await`. A consumed handle is a compile error.
 *
 * @example
 * ```ts
 * import { createMemory, allocPage, withPageMapped, freePage, GFP_KERNEL } from 'memdesc';
 * const mem = createMemory();
 * const p = allocPage(mem, GFP_KERNEL)!;
 * const first = withPageMapped(p, (view) => {
 *   view[0] = 42;
 *   return view[0];
 * });
 * console.log(first); // 42
 * freePage(p);
 * ```
 */
export function withPageMapped<P, R>(page: PageArg<P, 'kmap_local_page()'>, fn: (view: Uint8Array) => R): R {
  const h = checkHandle(page, 'withPageMapped', false);
  if (typeof fn !== 'function') invalidArgument('withPageMapped', 'fn must be a function', fn);
  const mem = H.mem(h);
  const pfn = H.pfn(h);
  const head = H.head(h);
  const flags = mem.map.flags;
  if ((flags[head]! & KMAP_MASK) >>> 11 >= KM_MAX_IDX) {
    invalidArgument('withPageMapped', `kmap_local_page() nests at most ${KM_MAX_IDX} deep (KM_MAX_IDX)`, pfn);
  }
  const buf = new ArrayBuffer(PAGE_SIZE);
  const view = new Uint8Array(buf);
  const stored = mem.contents.get(pfn);
  if (stored !== undefined) view.set(stored);
  // A folio is written only under its lock: without it, the mapping is read-only in effect.
  const readOnly = mem.map.kind[head] === PageKind.Folio && H.role(h) !== Role.Locked && (flags[head]! & PageFlag.Locked) === 0;
  const original = readOnly ? view.slice() : null;
  flags[head] = flags[head]! + KMAP_ONE;
  let written = false;
  try {
    return fn(view);
  } finally {
    // kunmap_local(). The block cannot have been freed while mapped (every free refuses a mapped
    // page), but check the generation anyway rather than touch another owner's flags.
    if (mem.map.gen[head] === H.gen(h)) flags[head] = flags[head]! - KMAP_ONE;
    // The page keeps what was written; the view's buffer is detached.
    if (original !== null) {
      written = view.some((x, i) => x !== original[i]);
    } else if (mem.map.gen[head] === H.gen(h)) {
      if (stored !== undefined) stored.set(view);
      else if (view.some((x) => x !== 0)) backing(mem, pfn).set(view);
    }
    structuredClone(buf, { transfer: [buf] });
    if (written) {
      const msg = `BUG: withPageMapped(): write to folio pfn:${hexPfn(head)} without the folio lock; the write was discarded (folioLock() it first)`;
      mem.logOnly(msg);
      // eslint-disable-next-line no-unsafe-finally
      throw new MmError('BAD_PAGE_STATE', msg, head);
    }
  }
}

