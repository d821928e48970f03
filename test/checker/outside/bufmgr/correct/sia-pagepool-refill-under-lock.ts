// NIC RX: the NAPI poll takes pages for the ring under the pool lock; when the pool's cache runs
// low it is topped up with refill() after the lock is dropped (refill may sleep).
import { withSpinLock, type Memory } from 'memdesc';
import { PagePool, type RxPage } from '../lib/pagepool.js';

const LOW_WATER = 2;

export function run(mem: Memory): void {
  const pool = new PagePool(mem, 8);
  pool.refill(mem, 3);
  const posted: RxPage[] = [];

  for (let budget = 0; budget < 4; budget++) {
    const page = withSpinLock(pool.lock, (ctx) => pool.allocAtomic(ctx));
    if (pool.cached < LOW_WATER) pool.refill(mem, 8);
    if (page === null) break;
    posted.push(page);
  }

  for (const p of posted) pool.recycle(p);
  pool.destroy();
}
