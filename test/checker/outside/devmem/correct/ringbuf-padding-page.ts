// The trace reader maps the reader page to parse it in place; a padding page (a zero-length
// commit left by a writer that was interrupted) is discarded and the reader page recycled.
import { allocPage, freePage, withPageMapped, GFP_KERNEL, type Memory } from 'memdesc';
import { allocCpuBuffer, swapReaderPage, freeCpuBuffer, type CpuBuffer } from '../lib/ringbuf.js';

const enc = new TextEncoder();
const dec = new TextDecoder();

function recycleReaderPage(mem: Memory, cb: CpuBuffer): boolean {
  const fresh = allocPage(mem, GFP_KERNEL);
  if (fresh === null) return false;
  const old = cb.readerPage;
  cb.readerPage = fresh;
  if (old !== null) freePage(old);
  return true;
}

export function run(mem: Memory): string[] {
  const cb = allocCpuBuffer(mem, 1, 4);
  if (cb === null) throw new Error('ring_buffer: ENOMEM');
  cb.write(new Uint8Array(0)); // padding
  cb.write(enc.encode('irq_handler_entry irq=24'));

  const events: string[] = [];
  for (let round = 0; round < 2; round++) {
    swapReaderPage(cb);
    const page = cb.readerPage;
    if (page === null) break;
    const ev = withPageMapped(page, (view) => {
      const len = new DataView(view.buffer, view.byteOffset, 8).getUint32(0, true);
      if (len === 0) return null;
      return dec.decode(view.subarray(8, 8 + len));
    });
    // unmapped again: a padding page can be recycled now
    if (ev === null) recycleReaderPage(mem, cb);
    else events.push(ev);
  }
  freeCpuBuffer(cb);
  return events;
}
