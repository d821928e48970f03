/** A buffer is filled by its owner and published with `intoShared`; from then on only references are put. */
import { intoShared, memdescAddress, memdescAlloc, memdescGet, memdescPut, readRaw, writeRaw, GFP_KERNEL, type Memory } from 'memdesc';
import { SharedBuf } from '../lib/descs.js';

export function run(mem: Memory): void {
  const owned = memdescAlloc(mem, SharedBuf, GFP_KERNEL);
  if (owned === null) return;
  writeRaw(memdescAddress(owned), new Uint8Array([0xde, 0xad]), 0);
  const shared = intoShared(owned);
  const reader = memdescGet(shared);
  readRaw(memdescAddress(reader), new Uint8Array(2), 0);
  memdescPut(reader);
  memdescPut(shared);
}
