/**
 * Page contents: real bytes, materialised lazily. A page's 4 KiB exist only once something
 * non-zero is written to it; an untouched page reads as zero. So a 64 GiB machine costs memory
 * only for the pages a program actually fills.
 *
 * Rust-for-Linux: `Page::read_raw`, `Page::write_raw`, `Page::fill_zero_raw`,
 * `Page::with_page_mapped` (rust/kernel/page.rs).
 *
 * @module
 */
import { MmError, hexPfn, invalidArgument } from '../debug/mm-error.js';
import type { Page } from '../types/page.js';
import type { Live } from '../types/ownership.js';
import { PAGE_SHIFT, PAGE_SIZE } from './constants.js';
import { H, checkHandle, type PageHandle } from './handle.js';
import { KMAP_MASK, KMAP_ONE, KM_MAX_IDX } from './memmap.js';
import type { MemoryImpl } from './memory.js';

/** Any live page handle — owned, counted or borrowed, of any order and owner — not a consumed one. */
export type AnyPage = Page & Live;

function span(h: PageHandle): number {
  // A handle to a block head covers the whole block; a borrowed tail page covers one page.
  return H.pfn(h) === H.head(h) ? PAGE_SIZE << H.order(h) : PAGE_SIZE;
}

function checkRange(h: PageHandle, fn: string, offset: unknown, len: number): number {
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset)) invalidArgument(fn, 'offset must be an integer', offset);
  const size = span(h);
  if (offset < 0 || offset + len > size) {
    throw new MmError(
      'OUT_OF_BOUNDS',
      `BUG: ${fn}(): access of ${len} bytes at offset ${offset} is outside pfn:${hexPfn(H.pfn(h))} (${size} bytes)`,
      H.pfn(h),
    );
  }
  return offset;
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
 * `Page::read_raw` — copies `dst.length` bytes from the page, starting at `offset`, into `dst`.
 *
 * **Gotchas**: `offset + dst.length` beyond the block is `OUT_OF_BOUNDS`; a stale handle is
 * `USE_AFTER_FREE`. Pages never written read as zero.
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
 */
export function readRaw(page: AnyPage, dst: Uint8Array, offset: number): void {
  const h = checkHandle(page, 'readRaw', false);
  if (!(dst instanceof Uint8Array)) invalidArgument('readRaw', 'dst must be a Uint8Array', dst);
  const off = checkRange(h, 'readRaw', offset, dst.length);
  const mem = H.mem(h);
  let done = 0;
  while (done < dst.length) {
    const abs = off + done;
    const pfn = H.pfn(h) + (abs >>> PAGE_SHIFT);
    const inPage = abs & (PAGE_SIZE - 1);
    const n = Math.min(PAGE_SIZE - inPage, dst.length - done);
    const b = mem.contents.get(pfn);
    if (b === undefined) dst.fill(0, done, done + n);
    else dst.set(b.subarray(inPage, inPage + n), done);
    done += n;
  }
}

/**
 * `Page::write_raw` — copies `src` into the page at `offset`.
 *
 * **Gotchas**: `offset + src.length` beyond the block is `OUT_OF_BOUNDS`; a stale handle is
 * `USE_AFTER_FREE`; nothing is written when a check fails.
 *
 * @example
 * ```ts
 * import { createMemory, allocPage, writeRaw, freePage, GFP_KERNEL } from 'memdesc';
 * const mem = createMemory();
 * const p = allocPage(mem, GFP_KERNEL)!;
 * writeRaw(p, new TextEncoder().encode('hello'), 0);
 * freePage(p);
 * ```
 */
export function writeRaw(page: AnyPage, src: Uint8Array, offset: number): void {
  const h = checkHandle(page, 'writeRaw', false);
  if (!(src instanceof Uint8Array)) invalidArgument('writeRaw', 'src must be a Uint8Array', src);
  const off = checkRange(h, 'writeRaw', offset, src.length);
  const mem = H.mem(h);
  let done = 0;
  while (done < src.length) {
    const abs = off + done;
    const pfn = H.pfn(h) + (abs >>> PAGE_SHIFT);
    const inPage = abs & (PAGE_SIZE - 1);
    const n = Math.min(PAGE_SIZE - inPage, src.length - done);
    const chunk = src.subarray(done, done + n);
    if (mem.contents.has(pfn) || chunk.some((x) => x !== 0)) backing(mem, pfn).set(chunk, inPage);
    done += n;
  }
}

/**
 * `Page::fill_zero_raw` — zeroes `len` bytes from `offset`.
 *
 * @example
 * ```ts
 * import { createMemory, allocPage, fillZeroRaw, freePage, GFP_KERNEL } from 'memdesc';
 * const mem = createMemory();
 * const p = allocPage(mem, GFP_KERNEL)!;
 * fillZeroRaw(p, 0, 4096);
 * freePage(p);
 * ```
 */
export function fillZeroRaw(page: AnyPage, offset: number, len: number): void {
  const h = checkHandle(page, 'fillZeroRaw', false);
  if (typeof len !== 'number' || !Number.isSafeInteger(len) || len < 0) invalidArgument('fillZeroRaw', 'len must be an integer >= 0', len);
  const off = checkRange(h, 'fillZeroRaw', offset, len);
  const mem = H.mem(h);
  let done = 0;
  while (done < len) {
    const abs = off + done;
    const pfn = H.pfn(h) + (abs >>> PAGE_SHIFT);
    const inPage = abs & (PAGE_SIZE - 1);
    const n = Math.min(PAGE_SIZE - inPage, len - done);
    const b = mem.contents.get(pfn);
    if (b !== undefined) {
      if (n === PAGE_SIZE) mem.contents.delete(pfn);
      else b.fill(0, inPage, inPage + n);
    }
    done += n;
  }
}

/**
 * `kmap_local_page()` … `kunmap_local()` — maps one page (the handle's page; for a block, its
 * head page) and calls `fn` with a 4096-byte view of it. Writes through the view land in the
 * page. The view is dead once `fn` returns: its buffer is detached, so a view kept past the
 * callback reads as empty and cannot corrupt the page.
 *
 * **Gotchas**: freeing the page inside `fn` is `BAD_PAGE_STATE` (it is still mapped); mappings
 * nest at most 16 deep (`KM_MAX_IDX`). An async `fn` gets a view that dies at its first `await`.
 *
 * @example
 * ```ts
 * import { createMemory, allocPage, withPageMapped, freePage, GFP_KERNEL } from 'memdesc';
 * const mem = createMemory();
 * const p = allocPage(mem, GFP_KERNEL)!;
 * const first = withPageMapped(p, (view) => { view[0] = 42; return view[0]; });
 * freePage(p);
 * ```
 */
export function withPageMapped<R>(page: AnyPage, fn: (view: Uint8Array) => R): R {
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
  flags[head] = flags[head]! + KMAP_ONE;
  try {
    return fn(view);
  } finally {
    flags[head] = flags[head]! - KMAP_ONE;
    // kunmap_local(): the page keeps what was written; the view's buffer is detached.
    if (mem.map.gen[head] === H.gen(h)) {
      if (stored !== undefined) stored.set(view);
      else if (view.some((x) => x !== 0)) backing(mem, pfn).set(view);
    }
    structuredClone(buf, { transfer: [buf] });
  }
}
