/** Under the range lock, a Binder page (user memdesc) is allocated through a helper in another module that uses GFP_KERNEL. */
import { spinLockInit, withSpinLock, type Memory } from 'memdesc';
import { freeBinderPage, newBinderPage, type BinderPageHandle } from '../lib/descs.js';

export function run(mem: Memory): void {
  const lock = spinLockInit(mem, 'binder_range');
  const slots: Array<BinderPageHandle | null> = [null, null];
  withSpinLock(lock, () => {
    slots[0] = newBinderPage(mem); // expect: sleep-in-atomic
  });
  for (const page of slots) if (page !== null) freeBinderPage(page);
}
