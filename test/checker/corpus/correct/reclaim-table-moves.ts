/**
 * A table of shared buffers in a Map: the statistics pass reads each reference; reclaim then turns
 * each one back into an owner with `tryFromShared`, frees it, and empties the Map.
 */
import { intoShared, memdescAlloc, memdescFree, memdescPut, memdescRefCount, tryFromShared, GFP_KERNEL, type Memory } from 'memdesc';
import { SharedBuf, type SharedBufRef } from '../lib/descs.js';

export function run(mem: Memory): void {
  const table = new Map<number, SharedBufRef>();
  for (let id = 0; id < 3; id++) {
    const owned = memdescAlloc(mem, SharedBuf, GFP_KERNEL);
    if (owned !== null) table.set(id, intoShared(owned));
  }
  let refs = 0;
  for (const ref of table.values()) refs += memdescRefCount(ref);
  for (const ref of table.values()) {
    const back = tryFromShared(ref);
    if (back.unique) memdescFree(back);
    else memdescPut(back);
  }
  table.clear();
  console.assert(refs === 3);
}
