// Importers detach one by one; each tries to take the buffer back as owned so the heap can
// recycle it (only the last one succeeds), otherwise it just drops its reference.
// Fixed: the trace line reads the refcount before tryFromShared() consumes `ref`.
import { memdescFree, memdescPut, memdescRefCount, tryFromShared, type Memory } from 'memdesc';
import { allocHeapBuf, share, getRef, type SharedBuf } from '../lib/sharedbuf.js';

export function run(mem: Memory): void {
  const owned = allocHeapBuf(mem, 7);
  if (owned === null) return;
  const first = share(owned);
  const refs: SharedBuf[] = [first, getRef(first), getRef(first)];
  const trace: string[] = [];
  while (refs.length > 0) {
    const ref = refs.pop();
    if (ref === undefined) break;
    trace.push(`detach: ${memdescRefCount(ref)} refs`);
    const back = tryFromShared(ref);
    if (back.unique) memdescFree(back);
    else memdescPut(back);
  }
}
