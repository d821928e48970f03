/**
 * A page-cache write takes the folio lock (trylock, checked for null), writes, unlocks, then reads unlocked.
 *
 * Kernel: ->write_begin takes the folio lock before copying into a page-cache folio.
 * Protocol: writes go through the LockedFolio guard (trylock, or lock when it may wait);
 * folioUnlock() consumes the guard; reads need no lock.
 */
import { folioAlloc, folioLock, folioPut, folioTrylock, folioUnlock, readRaw, writeRaw, GFP_KERNEL, type Memory } from 'memdesc';

export function run(mem: Memory): void {
  const folio = folioAlloc(mem, GFP_KERNEL, 1);
  if (folio === null) return;
  const locked = folioTrylock(folio) ?? folioLock(folio); // process context: may wait
  writeRaw(locked, new Uint8Array([1, 2, 3]), 4096);
  folioUnlock(locked);
  const out = new Uint8Array(3);
  readRaw(folio, out, 4096);
  folioPut(folio);
  if (out[2] !== 3) throw new Error('write lost');
}
