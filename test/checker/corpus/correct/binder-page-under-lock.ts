/** A Binder page (user memdesc) is allocated through a helper in another module before the range lock; the lock only installs it. */
import { spinLockInit, withSpinLock, type Memory } from 'memdesc';
import { freeBinderPage, newBinderPage, type BinderPageHandle } from '../lib/descs.js';

export function run(mem: Memory): void {
  const lock = spinLockInit(mem, 'binder_range');
  const slots: Array<BinderPageHandle | null> = [null, null];
  const fresh = newBinderPage(mem);
  withSpinLock(lock, () => {
    slots[0] = fresh;
  });
  for (const page of slots) if (page !== null) freeBinderPage(page);
}
