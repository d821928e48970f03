// page_pool watermark handling: when the recycle cache runs low, top it up.
import { withSpinLock, freePage, type Memory } from 'memdesc';
import { PagePool } from '../lib/page-pool.js';

const LOW_WATERMARK = 2;

function maybeRefill(pool: PagePool): number {
  // check under the lock, allocate outside it (refill may sleep)
  const need = withSpinLock(pool.lock, () => pool.cached < LOW_WATERMARK);
  if (!need) return 0;
  return pool.refill(LOW_WATERMARK * 2);
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
