/** `publish()` (another module) moves the owner into a shared reference; the caller asks the old owner for its count. */
import { memdescAlloc, memdescPut, memdescRefCount, GFP_KERNEL, type Memory } from 'memdesc';
import { publish, SharedBuf } from '../lib/descs.js';

export function run(mem: Memory): void {
  const owned = memdescAlloc(mem, SharedBuf, GFP_KERNEL);
  if (owned === null) return;
  const shared = publish(owned);
  const refs = memdescRefCount(owned); // expect: use-after-move
  console.assert(refs === 1);
  memdescPut(shared);
}
