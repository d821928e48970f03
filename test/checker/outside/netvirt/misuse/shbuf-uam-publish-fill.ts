import { type Memory } from 'memdesc';
import { Exporter, shbufAlloc, shbufFill, shbufRead } from '../lib/shbuf.js';

export function run(mem: Memory): void {
  const exp = new Exporter();
  const buf = shbufAlloc(mem);
  if (buf === null) return;
  shbufFill(buf, 1);
  const ref = exp.publish('frame0', buf);
  // the exporter writes the trailer after publishing
  shbufFill(buf, 9); // expect: use-after-move
  if (shbufRead(ref) !== 9) throw new Error('trailer');
  exp.destroy();
}
