import { memdescPut, tryFromShared, type Memory } from 'memdesc';
import { Exporter, shbufAlloc, shbufFree, type ShRef } from '../lib/shbuf.js';

/** Tries to take the buffer back for reuse; otherwise the caller's reference is dropped. */
function recycle(ref: ShRef): boolean {
  const r = tryFromShared(ref);
  if (r.unique) {
    shbufFree(r);
    return true;
  }
  memdescPut(r);
  return false;
}

export function run(mem: Memory): void {
  const exp = new Exporter();
  const buf = shbufAlloc(mem);
  if (buf === null) return;
  exp.publish('cursor', buf);
  const mine = exp.attach('cursor');
  if (mine === null) return;
  recycle(mine); // either way, recycle() consumed the reference
  exp.destroy();
}
