/**
 * A table of shared buffers in a Map: reclaim turns each reference back into an owner with
 * `tryFromShared` and frees it, but leaves the moved references in the Map; the statistics pass
 * then reads them.
 */
import { intoShared, memdescAlloc, memdescFree, memdescPut, memdescRefCount, tryFromShared, GFP_KERNEL, type Memory } from 'memdesc';
import { SharedBuf, type SharedBufRef } from '../lib/descs.js';

export function run(mem: Memory): void {
  const table = new Map<number, SharedBufRef>();
  for (let id = 0; id < 3; id++) {
    const owned = memdescAlloc(mem, SharedBuf, GFP_KERNEL);
    if (owned !== null) table.set(id, intoShared(owned));
  }
  for (const ref of table.values()) {
    const back = tryFromShared(ref);
    if (back.unique) memdescFree(back);
    else memdescPut(back);
  }
  let refs = 0;
  for (const ref of table.values()) refs += memdescRefCount(ref); // expect: use-after-move
  table.clear();
  console.assert(refs === 0);
}
