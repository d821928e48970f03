import { memdescGet, memdescPut, type Memory } from 'memdesc';
import { Exporter, Importer, shbufAlloc, shbufFill, shbufFree, shbufRead } from '../lib/shbuf.js';

/** Owned → shared → counted by two importers → dropped → taken back unique → freed. */
export function run(mem: Memory): void {
  const exp = new Exporter();
  const buf = shbufAlloc(mem);
  if (buf === null) return;
  shbufFill(buf, 4);
  const ref = exp.publish('fb', buf);
  const a = new Importer();
  a.hold(memdescGet(ref));
  const extra = exp.attach('fb');
  if (extra !== null) {
    shbufRead(extra);
    memdescPut(extra);
  }
  a.dropAll();
  const back = exp.reclaim('fb');
  if (back === null) throw new Error('not unique');
  shbufFree(back);
}
