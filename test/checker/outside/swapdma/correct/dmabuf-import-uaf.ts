// An importer attaches to a DMA-BUF, reads the frame header through the attachment's buffer
// and releases the buffer when the exporter closes the fd.
// Fixed: the header is read before release().
import { readRaw, type Memory } from 'memdesc';
import { DmaHeap, writeBuf } from '../lib/dmabuf.js';

export function run(mem: Memory): void {
  const heap = new DmaHeap(mem);
  const buf = heap.allocate(4);
  if (buf === null) return;
  const att = heap.attach(buf, 7);
  if (att === null) {
    heap.release(buf);
    return;
  }
  writeBuf(buf, 0, new Uint8Array([1, 2, 3, 4]));
  const [header] = buf.pages;
  if (header !== undefined) {
    const hdr = new Uint8Array(4);
    readRaw(header, hdr, 0);
  }
  heap.release(buf);
}
