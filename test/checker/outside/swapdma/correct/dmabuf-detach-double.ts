// An importer attaches to a buffer, reads a frame and drops its attachment; the exporter then
// releases the buffer.
// Fixed: the importer detaches through the heap, which removes the record before freeing it.
import { type Memory } from 'memdesc';
import { DmaHeap, writeBuf, readBuf } from '../lib/dmabuf.js';

function importFrame(heap: DmaHeap, id: number): number {
  const buf = heap.get(id);
  if (buf === undefined) return -2;
  const att = heap.attach(buf, 3);
  if (att === null) return -12;
  const frame = readBuf(buf, 0, 4);
  heap.detach(buf, att);
  return frame[0] ?? 0;
}

export function run(mem: Memory): void {
  const heap = new DmaHeap(mem);
  const buf = heap.allocate(2);
  if (buf === null) return;
  writeBuf(buf, 0, new Uint8Array([9, 9, 9, 9]));
  importFrame(heap, buf.id);
  heap.release(buf);
}
