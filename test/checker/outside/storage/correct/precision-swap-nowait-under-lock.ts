import { spinLockInit, withSpinLock, kmemCacheAlloc, kmemCacheFree, GFP_NOWAIT, type Memory } from 'memdesc';
import { ZramStore } from '../lib/zram.js';

/** GFP_NOWAIT under the table lock is fine; the object is freed after the lock is dropped. */
export function run(mem: Memory): void {
  const zram = new ZramStore(mem);
  const lock = spinLockInit(mem, 'zram_table');
  const cache = zram.cache('zram-64');
  const obj = withSpinLock(lock, (ctx) => kmemCacheAlloc(ctx, cache, GFP_NOWAIT));
  if (obj) kmemCacheFree(cache, obj);
  zram.destroy();
}
