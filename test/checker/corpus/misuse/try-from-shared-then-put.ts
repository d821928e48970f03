/** `tryFromShared` moves the reference (into an owner or back into a reference); the caller also puts the old reference. */
import { intoShared, memdescAlloc, memdescFree, memdescPut, tryFromShared, GFP_KERNEL, type Memory } from 'memdesc';
import { SharedBuf } from '../lib/descs.js';

export function run(mem: Memory): void {
  const owned = memdescAlloc(mem, SharedBuf, GFP_KERNEL);
  if (owned === null) return;
  const shared = intoShared(owned);
  const back = tryFromShared(shared);
  memdescPut(shared); // expect: use-after-move
  if (back.unique) memdescFree(back);
  else memdescPut(back);
}
