import { type Memory } from 'memdesc';
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
  // both importers get "their" reference: the same one
  display.hold(ref);
  encoder.hold(ref);
  shbufRead(ref);
  display.dropAll(); // expect-also: double-free
  encoder.dropAll(); // expect: double-free
  exp.destroy();
}
