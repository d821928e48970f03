import { type Memory } from 'memdesc';
import { Exporter, shbufAlloc, shbufFill, shbufRead } from '../lib/shbuf.js';

export function run(mem: Memory): void {
  const exp = new Exporter();
  const buf = shbufAlloc(mem);
  if (buf === null) return;
  shbufFill(buf, 1);
  // the exporter writes the trailer before publishing: once shared, the buffer is read-only
  shbufFill(buf, 9);
  const ref = exp.publish('frame0', buf);
  if (shbufRead(ref) !== 9) throw new Error('trailer');
  exp.destroy();
}
