/** A reader keeps the buffer's vmalloc area in a local; `grow()` (another module) moves the contents and frees the old area. */
import { readRaw, type Memory } from 'memdesc';
import { VBuf } from '../lib/vbuf.js';

export function run(mem: Memory): void {
  const buf = new VBuf(mem, 4096);
  buf.write(0, new TextEncoder().encode('fw-image-v1'));
  const area = buf.area;
  buf.grow(8192);
  const magic = new Uint8Array(2);
  readRaw(area, magic, 0); // expect: use-after-free
  buf.close();
}
