/** Under a spinlock, a helper in another module fills a folio — and `folioLock` may sleep. */
import { folioAlloc, folioPut, spinLockInit, withSpinLock, GFP_KERNEL, type Memory } from 'memdesc';
import { fillFolio } from '../lib/folios.js';

export function run(mem: Memory): void {
  const lock = spinLockInit(mem, 'mapping');
  const folio = folioAlloc(mem, GFP_KERNEL, 0);
  if (folio === null) return;
  withSpinLock(lock, () => {
    fillFolio(folio, new Uint8Array([0xee])); // expect: sleep-in-atomic
  });
  folioPut(folio);
}
