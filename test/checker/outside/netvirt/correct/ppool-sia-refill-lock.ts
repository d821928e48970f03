import { spinLockInit, withSpinLock, freePage, type Memory } from 'memdesc';
import { PagePool, RxRing } from '../lib/page-pool.js';

export function run(mem: Memory): void {
  const pool = new PagePool(mem, { cacheSize: 8 });
  const ring = new RxRing(8);
  const rxLock = spinLockInit(mem, 'rx_lock');
  ring.fill(pool);
  // NAPI poll completes two frames; the cache is topped up in process context, after the lock.
  withSpinLock(rxLock, (ctx) => {
    for (let i = 0; i < 2; i++) {
      const page = ring.complete(i);
      if (page !== null) pool.put(page);
    }
    for (let i = 0; i < 2; i++) {
      const page = pool.getAtomic(ctx);
      if (page !== null) ring.post(i, page);
    }
  });
  if (pool.cached() < 4) pool.refill(4 - pool.cached());
  for (const page of ring.drain()) freePage(page);
  pool.destroy();
}
