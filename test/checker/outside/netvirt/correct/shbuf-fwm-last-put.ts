import { withPageMapped, memdescPage, type Memory } from 'memdesc';
import { Exporter, Importer, shbufAlloc, shbufFill } from '../lib/shbuf.js';

export function run(mem: Memory): void {
  const exp = new Exporter();
  const buf = shbufAlloc(mem);
  if (buf === null) return;
  shbufFill(buf, 3);
  exp.publish('ring', buf);
  const ref = exp.attach('ring');
  if (ref === null) return;
  const importer = new Importer();
  const id = importer.hold(ref);
  exp.unpublish('ring'); // the exporter goes away; the importer keeps the buffer alive
  const held = importer.get(id);
  if (held === null) return;
  const sum = withPageMapped(memdescPage(held, 0), (view) => view[0]! + view[1]!);
  importer.drop(id);
  if (sum !== 7) throw new Error('sum');
}
