import { memdescGet, type Memory } from 'memdesc';
import { Exporter, Importer, shbufAlloc, shbufRead } from '../lib/shbuf.js';

export function run(mem: Memory): void {
  const exp = new Exporter();
  const buf = shbufAlloc(mem);
  if (buf === null) return;
  exp.publish('plane', buf);
  const ref = exp.attach('plane');
  if (ref === null) return;
  const display = new Importer();
  const encoder = new Importer();
  // each importer gets a reference of its own
  encoder.hold(memdescGet(ref));
  display.hold(ref);
  display.dropAll();
  encoder.dropAll();
  exp.destroy();
}
