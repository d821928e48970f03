// io_uring-like registered (fixed) buffers: a table of page-backed buffers registered once
// (IORING_REGISTER_BUFFERS), looked up by index per request (io_import_fixed), unregistered at
// teardown (IORING_UNREGISTER_BUFFERS). The table owns every page it holds.
import { allocPage, freePage, writeRaw, readRaw, PAGE_SIZE, GFP_KERNEL, type Memory, type Owned, type Page } from 'memdesc';

export interface FixedBuf {
  readonly index: number;
  readonly pages: Owned<Page<0>>[];
  readonly len: number;
}

export class FixedBufTable {
  readonly #slots: (FixedBuf | null)[];

  constructor(nr: number) {
    this.#slots = new Array<FixedBuf | null>(nr).fill(null);
  }

  get nr(): number {
    return this.#slots.length;
  }

  /** Allocates nrPages pages for slot idx; null (and nothing kept) if memory runs out. */
  register(mem: Memory, idx: number, nrPages: number): FixedBuf | null {
    if (this.#slots[idx] !== null) throw new Error(`fixed buffer ${idx}: EBUSY`);
    const pages: Owned<Page<0>>[] = [];
    for (let i = 0; i < nrPages; i++) {
      const p = allocPage(mem, GFP_KERNEL);
      if (p === null) {
        for (const q of pages) freePage(q);
        return null;
      }
      pages.push(p);
    }
    return this.adopt(idx, pages);
  }

  /** Registers pages the caller allocated: from now on the table owns (and frees) them. */
  adopt(idx: number, pages: Owned<Page<0>>[]): FixedBuf {
    if (this.#slots[idx] !== null) throw new Error(`fixed buffer ${idx}: EBUSY`);
    const buf: FixedBuf = { index: idx, pages, len: pages.length * PAGE_SIZE };
    this.#slots[idx] = buf;
    return buf;
  }

  /** io_import_fixed(): the buffer registered at idx (the table keeps ownership). */
  lookup(idx: number): FixedBuf | null {
    return this.#slots[idx] ?? null;
  }

  /** Frees the pages of slot idx and empties it. */
  unregister(idx: number): void {
    const buf = this.#slots[idx];
    if (buf === null || buf === undefined) return;
    this.#slots[idx] = null;
    for (const p of buf.pages) freePage(p);
  }

  /** Teardown: unregisters every slot. */
  destroy(): void {
    for (let i = 0; i < this.#slots.length; i++) this.unregister(i);
  }
}

/** Copies data into a fixed buffer at byte offset off, page by page. */
export function copyToFixed(buf: FixedBuf, off: number, data: Uint8Array): void {
  let done = 0;
  while (done < data.length) {
    const at = off + done;
    const page = buf.pages[Math.floor(at / PAGE_SIZE)];
    if (page === undefined) throw new Error('EFAULT: beyond the fixed buffer');
    const inPage = at % PAGE_SIZE;
    const n = Math.min(PAGE_SIZE - inPage, data.length - done);
    writeRaw(page, data.subarray(done, done + n), inPage);
    done += n;
  }
}

/** Copies len bytes out of a fixed buffer from byte offset off. */
export function copyFromFixed(buf: FixedBuf, off: number, len: number): Uint8Array {
  const out = new Uint8Array(len);
  let done = 0;
  while (done < len) {
    const at = off + done;
    const page = buf.pages[Math.floor(at / PAGE_SIZE)];
    if (page === undefined) throw new Error('EFAULT: beyond the fixed buffer');
    const inPage = at % PAGE_SIZE;
    const n = Math.min(PAGE_SIZE - inPage, len - done);
    readRaw(page, out.subarray(done, done + n), inPage);
    done += n;
  }
  return out;
}
