// ring_buffer_resize() of the reader side: the reader page is replaced by a zeroed one after each
// read, and a local `page` variable is reassigned after its old value is freed.
import { allocPage, freePage, fillZeroRaw, readRaw, GFP_KERNEL, type Memory } from 'memdesc';
import { allocCpuBuffer, swapReaderPage, freeCpuBuffer, type BufferPage } from '../lib/ringbuf.js';

export function run(mem: Memory): number {
  const cb = allocCpuBuffer(mem, 2, 2);
  if (cb === null) return -12;
  cb.write(new Uint8Array([1, 2, 3]));
  let total = 0;
  for (let round = 0; round < 3; round++) {
    const len = swapReaderPage(cb);
    let page: BufferPage | null = cb.readerPage;
    if (page === null) break;
    const out = new Uint8Array(Math.max(len, 1));
    readRaw(page, out, 8);
    total += len;
    // hand the page back zeroed: free the old one and install a fresh page
    const fresh = allocPage(mem, GFP_KERNEL);
    if (fresh === null) break;
    cb.readerPage = null;
    freePage(page);
    page = fresh;
    fillZeroRaw(page, 0, 4096);
    cb.readerPage = page;
  }
  freeCpuBuffer(cb);
  return total;
}
