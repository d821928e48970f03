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
import type { Checked, HandleRefusal, Live, LockedMark, Unconsumed } from '../types/ownership.js';
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
  : NoInfer<HandleRefusal<'readRaw()', T, MsgRawTarget<'readRaw()'>> | Expected<Unconsumed, T>>;

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
  : NoInfer<HandleRefusal<'writeRaw()', T, MsgRawTarget<'writeRaw()'>> | Expected<Unconsumed, T>>;

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

// ------------------------------------------------------------------------------ byte buffers

/*
 * A caller's Uint8Array is read through the intrinsic getters of %TypedArray%.prototype, never
 * through its own properties: `Object.create(aUint8Array)` or a Proxy is refused without running a
 * trap, and a subclass that overrides `length`, `set` or `subarray` runs none of its code here.
 */
const TypedArrayPrototype = Object.getPrototypeOf(Uint8Array.prototype) as object;
function intrinsicGetter(name: PropertyKey): (this: unknown) => unknown {
  return Object.getOwnPropertyDescriptor(TypedArrayPrototype, name)!.get! as (this: unknown) => unknown;
}
const typedArrayTag = intrinsicGetter(Symbol.toStringTag);
const typedArrayBuffer = intrinsicGetter('buffer');
const typedArrayOffset = intrinsicGetter('byteOffset');
const typedArrayLength = intrinsicGetter('length');

/** A plain Uint8Array over the same bytes as `x`, or INVALID_ARGUMENT if `x` is not a Uint8Array. */
function ownBytes(x: unknown, fn: string, what: string): Uint8Array {
  if (typeof x !== 'object' || x === null || typedArrayTag.call(x) !== 'Uint8Array') invalidArgument(fn, `${what} must be a Uint8Array`, x);
  const length = typedArrayLength.call(x) as number;
  if (length === 0) return new Uint8Array(0); // also a view of a detached buffer
  return new Uint8Array(typedArrayBuffer.call(x) as ArrayBuffer, typedArrayOffset.call(x) as number, length);
}

// ------------------------------------------------------------------------------ kmap_local

/**
 * One page's live mapping (`kmap_local_page()`). Every view of the page — nested mappings
 * included — is a Uint8Array over `buf`, which is also the page's storage in `mem.contents` while it
 * is mapped: the views alias the page, so writes through them and through writeRaw, fillZeroRaw or
 * another object of the same slab page all land in the same bytes. When the outermost mapping
 * ends, `buf` is transferred away (its views detach: dead) and the page keeps the moved bytes.
 */
interface Kmap {
  buf: ArrayBuffer;
  depth: number;
  /**
   * The page's bytes as the API (not the views) left them: a copy taken when first mapped, kept in
   * step with writeRaw/fillZeroRaw. null: all zero. It restores the page if a view's buffer is
   * detached, and tells a write through a read-only view from an allowed one.
   */
  api: Uint8Array | null;
  /** The page had no stored bytes before: drop the storage again if it is still all zero. */
  readonly materialised: boolean;
  /** Made for a folio page without its lock: writes through the views are discarded. */
  readOnly: boolean;
  /** A view's buffer was detached inside the mapping; the page was restored from `api`. */
  lost: boolean;
}

const kmaps = new WeakMap<MemoryImpl, Map<number, Kmap>>();
/** Live Kmap records in all machines: the accessors below skip every lookup while it is 0. */
let liveKmaps = 0;

function kmapOf(mem: MemoryImpl, pfn: number): Kmap | undefined {
  return liveKmaps === 0 ? undefined : kmaps.get(mem)?.get(pfn);
}

/** A mapped page whose buffer a view detached: give it back the bytes the API left it. */
function recoverDetached(mem: MemoryImpl, pfn: number, k: Kmap): void {
  const fresh = k.api === null ? new Uint8Array(PAGE_SIZE) : k.api.slice();
  mem.contents.set(pfn, fresh);
  k.buf = fresh.buffer;
  k.lost = true;
}

/** The stored bytes of `pfn` (undefined: all zero), repairing a mapped page whose buffer was detached. */
function stored(mem: MemoryImpl, pfn: number): Uint8Array | undefined {
  const b = mem.contents.get(pfn);
  if (b !== undefined && liveKmaps > 0 && b.byteLength === 0) {
    const k = kmapOf(mem, pfn);
    if (k !== undefined) {
      recoverDetached(mem, pfn, k);
      return mem.contents.get(pfn);
    }
  }
  return b;
}

function backing(mem: MemoryImpl, pfn: number): Uint8Array {
  let b = stored(mem, pfn);
  if (b === undefined) {
    b = new Uint8Array(PAGE_SIZE);
    mem.contents.set(pfn, b);
  }
  return b;
}

/** A write through the API while `pfn` is mapped: keep the mapping's `api` copy in step. */
function noteApiWrite(k: Kmap, inPage: number, bytes: Uint8Array | null, n: number): void {
  if (k.api === null) {
    if (bytes === null) return; // zeroing what is already zero
    k.api = new Uint8Array(PAGE_SIZE);
  }
  if (bytes === null) k.api.fill(0, inPage, inPage + n);
  else k.api.set(bytes, inPage);
}

/**
 * Zeroes `n` bytes of page `pfn` from `inPage`, as the allocators do for `__GFP_ZERO` objects:
 * through the same path as fillZeroRaw, so a mapping of the page sees it and keeps it.
 */
export function zeroPageBytes(mem: MemoryImpl, pfn: number, inPage: number, n: number): void {
  const b = stored(mem, pfn);
  if (b === undefined) return;
  const k = kmapOf(mem, pfn);
  if (n === PAGE_SIZE && k === undefined) mem.contents.delete(pfn);
  else b.fill(0, inPage, inPage + n);
  if (k !== undefined) noteApiWrite(k, inPage, null, n);
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
  const out = ownBytes(dst, 'readRaw', 'dst');
  const off = checkRange(span, 'readRaw', offset, out.length);
  const mem = span.mem;
  walk(span, off, out.length, (pfn, inPage, n, done) => {
    const b = stored(mem, pfn);
    if (b === undefined) out.fill(0, done, done + n);
    else out.set(b.subarray(inPage, inPage + n), done);
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
  const bytes = ownBytes(src, 'writeRaw', 'src');
  const off = checkRange(span, 'writeRaw', offset, bytes.length);
  checkWritable(span, 'writeRaw');
  const mem = span.mem;
  walk(span, off, bytes.length, (pfn, inPage, n, done) => {
    const chunk = bytes.subarray(done, done + n);
    if (stored(mem, pfn) !== undefined || chunk.some((x) => x !== 0)) backing(mem, pfn).set(chunk, inPage);
    const k = kmapOf(mem, pfn);
    if (k !== undefined) noteApiWrite(k, inPage, chunk, n);
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
  const mem = span.mem;
  walk(span, off, len, (pfn, inPage, n) => zeroPageBytes(mem, pfn, inPage, n));
}

/**
 * `kmap_local_page()` … `kunmap_local()` (Rust-for-Linux `Page::with_page_mapped`) — maps one page
 * (the handle's page; for a block, its head page) and calls `fn` with a 4096-byte view of it.
 * The view *is* the page, not a copy: writes through it land in the page at once, and writes made
 * meanwhile by `writeRaw`, `fillZeroRaw`, a nested mapping or another object of the same slab page
 * show in it. The view is dead once `fn` returns: its buffer is detached, so a view kept past the
 * callback reads as empty and cannot corrupt the page (nested mappings of one page share their
 * memory, and all of them die when the outermost one ends).
 *
 * **When to use**: many small accesses to one page (parsing a structure in place), where a
 * `Uint8Array` view is handier than `readRaw`/`writeRaw` calls.
 *
 * **Gotchas**: freeing the page inside `fn` is `BAD_PAGE_STATE` (it is still mapped); mappings nest
 * at most 16 deep (`KM_MAX_IDX`), deeper is `INVALID_ARGUMENT`. A folio page mapped without the
 * folio lock is read-only: a write through the view is discarded and reported as `BAD_PAGE_STATE`
 * once `fn` returns (writes through the lock guard meanwhile are kept). Detaching the view's buffer
 * (transferring it) is `INVALID_ARGUMENT`, and the page keeps what `readRaw`/`writeRaw` would have
 * left in it. Both reports come after `fn` has run: if `fn` threw, its own exception propagates
 * (the report goes to `dmesg`); if it returned, the call throws and its result is dropped — a page
 * handle it returned is freed or put (`Symbol.dispose`), so nothing leaks.
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
  // A folio is written only under its lock: a mapping made without it is read-only in effect.
  const readOnly = mem.map.kind[head] === PageKind.Folio && H.role(h) !== Role.Locked && (flags[head]! & PageFlag.Locked) === 0;
  const k = kmapPage(mem, pfn, readOnly);
  flags[head] = flags[head]! + KMAP_ONE;
  let result: R;
  try {
    result = fn(new Uint8Array(k.buf));
  } catch (e) {
    // The callback's own exception wins over anything the unmap finds (which goes to the log).
    kunmapPage(mem, pfn, head, H.gen(h), k);
    throw e;
  }
  const fault = kunmapPage(mem, pfn, head, H.gen(h), k);
  if (fault !== null) {
    // The call fails after the callback ran: what it returned is dropped, as a failed Rust
    // closure's value is, so a page it allocated and returned is freed (or put) rather than leaked.
    if (H.is(result)) {
      try {
        (result as unknown as Disposable)[Symbol.dispose]();
      } catch (e) {
        mem.logOnly(`withPageMapped(): dropping the callback's result failed: ${e instanceof MmError ? e.code : 'error'}`);
      }
    }
    throw fault;
  }
  return result;
}

/** `kmap_local_page()` of one page: its shared mapping, made or nested. */
function kmapPage(mem: MemoryImpl, pfn: number, readOnly: boolean): Kmap {
  let map = kmaps.get(mem);
  if (map === undefined) kmaps.set(mem, (map = new Map()));
  let k = map.get(pfn);
  if (k !== undefined) {
    backing(mem, pfn); // repairs a buffer detached by an outer view
    k.depth++;
    k.readOnly &&= readOnly;
    return k;
  }
  const before = mem.contents.get(pfn);
  const storage = before ?? backing(mem, pfn);
  k = { buf: storage.buffer as ArrayBuffer, depth: 1, api: before === undefined ? null : before.slice(), materialised: before === undefined, readOnly, lost: false };
  map.set(pfn, k);
  liveKmaps++;
  return k;
}

/**
 * `kunmap_local()`: ends one mapping of `pfn`. When the last one ends, the views die (their buffer
 * is transferred to fresh storage), writes through a read-only mapping are undone, and storage
 * made only for the mapping is dropped if still all zero. Returns the MmError the mapping earned
 * (a detached view, a discarded write), already logged, or null.
 */
function kunmapPage(mem: MemoryImpl, pfn: number, head: number, gen: number, k: Kmap): MmError | null {
  // The block cannot have been freed while mapped (every free refuses a mapped page), but check
  // the generation anyway rather than touch another owner's flags.
  if (mem.map.gen[head] === gen) mem.map.flags[head] = mem.map.flags[head]! - KMAP_ONE;
  if (k.buf.byteLength === 0) recoverDetached(mem, pfn, k);
  if (--k.depth > 0) return null;
  kmaps.get(mem)!.delete(pfn);
  liveKmaps--;
  // Kill every view: move the bytes to a new buffer, which becomes the page's storage.
  const bytes = new Uint8Array(structuredClone(k.buf, { transfer: [k.buf] }));
  let written = false;
  if (k.readOnly) {
    const api = k.api;
    written = api === null ? bytes.some((x) => x !== 0) : bytes.some((x, i) => x !== api[i]);
    if (written) {
      if (api === null) bytes.fill(0);
      else bytes.set(api);
    }
  }
  if (k.materialised && !bytes.some((x) => x !== 0)) mem.contents.delete(pfn);
  else mem.contents.set(pfn, bytes);
  if (k.lost) {
    const msg = `withPageMapped(): the view of pfn:${hexPfn(pfn)} had its ArrayBuffer detached (transferred) inside the callback; the page keeps the bytes it had through readRaw/writeRaw`;
    mem.logOnly(msg);
    return new MmError('INVALID_ARGUMENT', msg, pfn);
  }
  if (written) {
    const msg = `BUG: withPageMapped(): write to folio pfn:${hexPfn(head)} without the folio lock; the write was discarded (folioLock() it first)`;
    mem.logOnly(msg);
    return new MmError('BAD_PAGE_STATE', msg, head);
  }
  return null;
}
