// The trace_pipe reader copies each event out of the reader page into a scratch page that lives
// for one read; `using` gives the scratch page back on every exit, including the early ones.
import { allocPage, readRaw, writeRaw, GFP_KERNEL, type Memory } from 'memdesc';
import { allocCpuBuffer, swapReaderPage, freeCpuBuffer, type CpuBuffer } from '../lib/ringbuf.js';

const enc = new TextEncoder();

function readOne(mem: Memory, cb: CpuBuffer): number {
  using scratch = allocPage(mem, GFP_KERNEL);
  if (scratch === null) return -12;
  const len = swapReaderPage(cb);
  const page = cb.readerPage;
  if (page === null || len === 0) return 0; // nothing committed: scratch is freed here too
  const buf = new Uint8Array(len);
  readRaw(page, buf, 8);
  writeRaw(scratch, buf, 0);
  return len;
}

export function run(mem: Memory): number[] {
  const cb = allocCpuBuffer(mem, 0, 3);
  if (cb === null) return [];
  cb.write(enc.encode('kmem:mm_page_alloc order=0'));
  cb.write(enc.encode('kmem:mm_page_free order=0'));
  const lens: number[] = [];
  for (let i = 0; i < 4; i++) lens.push(readOne(mem, cb));
  freeCpuBuffer(cb);
  return lens;
}
