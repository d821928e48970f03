/** A helper in another module fills a folio (`folioLock` may sleep) before the spinlock is taken. */
import { folioAlloc, folioPut, spinLockInit, withSpinLock, GFP_KERNEL, type Memory } from 'memdesc';
import { fillFolio } from '../lib/folios.js';

export function run(mem: Memory): void {
  const lock = spinLockInit(mem, 'mapping');
  const folio = folioAlloc(mem, GFP_KERNEL, 0);
  if (folio === null) return;
  fillFolio(folio, new Uint8Array([0xee]));
  let ready = false;
  withSpinLock(lock, () => {
    ready = true;
  });
  console.assert(ready);
  folioPut(folio);
}
