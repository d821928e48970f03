// An importer attaches to a buffer, reads a frame and drops its attachment; the exporter then
// releases the buffer.
// Bug: the importer kfree()s its attachment by hand instead of detaching, so the record stays
// in the buffer's attachment set and release() frees it a second time.
import { kfree, type Memory } from 'memdesc';
import { DmaHeap, writeBuf, readBuf } from '../lib/dmabuf.js';

function importFrame(heap: DmaHeap, id: number): number {
  const buf = heap.get(id);
  if (buf === undefined) return -2;
  const att = heap.attach(buf, 3);
  if (att === null) return -12;
  const frame = readBuf(buf, 0, 4);
  kfree(att); // expect-also: double-free
  return frame[0] ?? 0;
}

export function run(mem: Memory): void {
  const heap = new DmaHeap(mem);
  const buf = heap.allocate(2);
  if (buf === null) return;
  writeBuf(buf, 0, new Uint8Array([9, 9, 9, 9]));
  importFrame(heap, buf.id);
  heap.release(buf); // expect: double-free
}
