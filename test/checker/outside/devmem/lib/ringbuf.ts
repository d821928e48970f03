// A per-CPU ring buffer of pages, after kernel/trace/ring_buffer.c: the writer fills data pages
// in a ring; the reader owns one spare page (the "reader page") that it swaps with the writer's
// head page to get a whole page of events without racing the writer.
import { allocPage, freePage, writeRaw, readRaw, spinLockInit, withSpinLock, GFP_KERNEL, type Memory, type Owned, type Page, type SpinLock } from 'memdesc';

export type BufferPage = Owned<Page<0>>;

const HDR = 8; // commit length (u32) + timestamp delta (u32)

export class CpuBuffer {
  readonly cpu: number;
  readonly lock: SpinLock;
  pages: BufferPage[] = [];
  readerPage: BufferPage | null = null;
  head = 0;
  tail = 0;
  commits: number[] = [];

  constructor(mem: Memory, cpu: number) {
    this.cpu = cpu;
    this.lock = spinLockInit(mem, `cpu_buffer-${cpu}`);
  }

  /** Writes one event into the tail page (one event per page, enough for the prototype). */
  write(payload: Uint8Array): boolean {
    const page = this.pages[this.tail];
    if (page === undefined) return false;
    const hdr = new Uint8Array(HDR);
    new DataView(hdr.buffer).setUint32(0, payload.length, true);
    writeRaw(page, hdr, 0);
    writeRaw(page, payload, HDR);
    this.commits[this.tail] = payload.length;
    this.tail = (this.tail + 1) % this.pages.length;
    return true;
  }
}

/** ring_buffer_alloc() for one CPU: nrPages data pages and the reader's spare page. */
export function allocCpuBuffer(mem: Memory, cpu: number, nrPages: number): CpuBuffer | null {
  const cb = new CpuBuffer(mem, cpu);
  for (let i = 0; i < nrPages; i++) {
    const page = allocPage(mem, GFP_KERNEL);
    if (page === null) {
      freeCpuBuffer(cb);
      return null;
    }
    cb.pages.push(page);
    cb.commits.push(0);
  }
  const spare = allocPage(mem, GFP_KERNEL);
  if (spare === null) {
    freeCpuBuffer(cb);
    return null;
  }
  cb.readerPage = spare;
  return cb;
}

/** rb_get_reader_page(): swap the reader's spare page with the head page, under the buffer lock. */
export function swapReaderPage(cb: CpuBuffer): number {
  return withSpinLock(cb.lock, () => {
    const headPage = cb.pages[cb.head];
    const spare = cb.readerPage;
    if (headPage === undefined || spare === null) return 0;
    cb.pages[cb.head] = spare;
    cb.readerPage = headPage;
    const len = cb.commits[cb.head] ?? 0;
    cb.commits[cb.head] = 0;
    cb.head = (cb.head + 1) % cb.pages.length;
    return len;
  });
}

/** Reads the event on the reader page. */
export function readEvent(page: BufferPage, len: number): Uint8Array {
  const out = new Uint8Array(len);
  readRaw(page, out, HDR);
  return out;
}

export function freeCpuBuffer(cb: CpuBuffer): void {
  for (const page of cb.pages) freePage(page);
  cb.pages = [];
  if (cb.readerPage !== null) {
    freePage(cb.readerPage);
    cb.readerPage = null;
  }
}
