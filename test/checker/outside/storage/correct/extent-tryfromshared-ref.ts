import { memdescFree, memdescPut, memdescRefCount, memdescGet, intoShared, tryFromShared, type Memory } from 'memdesc';
import { allocLeaf } from '../lib/extent.js';

export function run(mem: Memory): void {
  const leaf = allocLeaf(mem, 2);
  if (!leaf) return;
  const ref = intoShared(leaf);
  const snapRef = memdescGet(ref);
  memdescPut(snapRef); // snapshot deleted
  const count = memdescRefCount(ref);
  const back = tryFromShared(ref);
  if (back.unique) memdescFree(back);
  else memdescPut(back);
  if (count !== 1) throw new Error('still shared');
}
