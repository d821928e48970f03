/**
 * Closing a PRIME handle: tryFromShared() takes the buffer back; only what it returned is released.
 *
 * Kernel: PRIME handle close (drm_gem_prime) drops the dma-buf reference it held.
 * Protocol: tryFromShared() consumes its argument and returns either the Owned buffer
 * (the only reference) or a new ARef; exactly that result is released.
 * A moved-from handle is dead at run time even though its type still looks live.
 */
import { memdescFree, memdescPut, tryFromShared, type Memory } from 'memdesc';
import { allocDmaBuf, exportDmaBuf } from '../lib/shdesc.js';

export function run(mem: Memory): void {
  const owned = allocDmaBuf(mem);
  if (owned === null) return;
  const shared = exportDmaBuf(owned);
  const back = tryFromShared(shared);
  if (back.unique) memdescFree(back);
  else memdescPut(back);
}
