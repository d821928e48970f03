/** A pool-grow helper takes its GFP flags as a parameter; the caller under a spinlock passes GFP_ATOMIC. */
import { allocPage, freePage, spinLockInit, withSpinLock, GFP_ATOMIC, type Memory } from 'memdesc';
import { type DataPage } from '../lib/pages.js';

function growPool(mem: Memory, pool: DataPage[], flags: number): void {
  const page = allocPage(mem, flags);
  if (page !== null) pool.push(page);
}

export function run(mem: Memory): void {
  const lock = spinLockInit(mem, 'pool');
  const pool: DataPage[] = [];
  withSpinLock(lock, () => growPool(mem, pool, GFP_ATOMIC));
  for (const page of pool) freePage(page);
}
