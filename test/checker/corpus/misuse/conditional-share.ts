/** `?:` shares the buffer or keeps it owned; on the shared path the old owner is still written through. */
import { intoShared, memdescAddress, memdescAlloc, memdescFree, memdescPut, writeRaw, GFP_KERNEL, type Memory } from 'memdesc';
import { SharedBuf } from '../lib/descs.js';

export function run(mem: Memory): void {
  const wantShared = mem.debugLevel !== 'fast'; // shared unless running without debug
  const owned = memdescAlloc(mem, SharedBuf, GFP_KERNEL);
  if (owned === null) return;
  const ref = wantShared ? intoShared(owned) : null;
  writeRaw(memdescAddress(owned), new Uint8Array([1]), 0); // expect: use-after-move
  if (ref !== null) memdescPut(ref);
  else memdescFree(owned);
}
