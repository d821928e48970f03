/** A reader looks the buffer's vmalloc area up again after `grow()` (another module) moved the contents. */
import { readRaw, type Memory } from 'memdesc';
import { VBuf } from '../lib/vbuf.js';

export function run(mem: Memory): void {
  const buf = new VBuf(mem, 4096);
  buf.write(0, new TextEncoder().encode('fw-image-v1'));
  buf.grow(8192);
  const area = buf.area;
  const magic = new Uint8Array(2);
  readRaw(area, magic, 0);
  buf.close();
}
