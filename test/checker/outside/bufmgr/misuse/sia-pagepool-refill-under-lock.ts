// NIC RX: the NAPI poll takes pages for the ring under the pool lock, and tops the pool's cache
// up when it runs low -- with refill(), which allocates with GFP_KERNEL, still under the lock.
import { withSpinLock, type Memory } from 'memdesc';
import { PagePool, type RxPage } from '../lib/pagepool.js';

const LOW_WATER = 2;

export function run(mem: Memory): void {
  const pool = new PagePool(mem, 8);
  pool.refill(mem, 3);
  const posted: RxPage[] = [];

  for (let budget = 0; budget < 4; budget++) {
    const page = withSpinLock(pool.lock, (ctx) => {
      if (pool.cached < LOW_WATER) pool.refill(mem, 8); // expect: sleep-in-atomic
      return pool.allocAtomic(ctx);
    });
    if (page === null) break;
    posted.push(page);
  }

  for (const p of posted) pool.recycle(p);
  pool.destroy();
}
