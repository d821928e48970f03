// page_pool watermark handling: when the recycle cache runs low, top it up.
import { withSpinLock, freePage, type Memory } from 'memdesc';
import { PagePool } from '../lib/page-pool.js';

const LOW_WATERMARK = 2;

function maybeRefill(pool: PagePool): number {
  // check and refill in one critical section so two CPUs don't both refill
  return withSpinLock(pool.lock, () => {
    if (pool.cached >= LOW_WATERMARK) return 0;
    return pool.refill(LOW_WATERMARK * 2); // expect: sleep-in-atomic
  });
}

export function run(mem: Memory): void {
  const pool = new PagePool(mem, 'eth1-rx', 8);
  const p = pool.get();
  if (p !== null) pool.put(p);
  maybeRefill(pool);
  const q = pool.getAtomic();
  if (q !== null) freePage(q);
  pool.destroy();
}
