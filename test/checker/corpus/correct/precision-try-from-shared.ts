/** `tryFromShared` while another reference exists hands the reference back (not unique); the discriminant decides the release. */
import { intoShared, memdescAlloc, memdescFree, memdescGet, memdescPut, tryFromShared, GFP_KERNEL, type Memory } from 'memdesc';
import { SharedBuf } from '../lib/descs.js';

export function run(mem: Memory): void {
  const owned = memdescAlloc(mem, SharedBuf, GFP_KERNEL);
  if (owned === null) return;
  const shared = intoShared(owned);
  const other = memdescGet(shared);
  const back = tryFromShared(shared);
  console.assert(!back.unique);
  if (back.unique) memdescFree(back);
  else memdescPut(back);
  const last = tryFromShared(other);
  if (last.unique) memdescFree(last);
  else memdescPut(last);
}
