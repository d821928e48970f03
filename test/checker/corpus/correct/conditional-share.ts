/** `?:` shares the buffer or keeps it owned; the buffer is written through the owner before the choice. */
import { intoShared, memdescAddress, memdescAlloc, memdescFree, memdescPut, writeRaw, GFP_KERNEL, type Memory } from 'memdesc';
import { SharedBuf } from '../lib/descs.js';

export function run(mem: Memory): void {
  const wantShared = mem.debugLevel !== 'fast'; // shared unless running without debug
  const owned = memdescAlloc(mem, SharedBuf, GFP_KERNEL);
  if (owned === null) return;
  writeRaw(memdescAddress(owned), new Uint8Array([1]), 0);
  const ref = wantShared ? intoShared(owned) : null;
  if (ref !== null) memdescPut(ref);
  else memdescFree(owned);
}
