/**
 * A fault path looks the index up under the tree lock and reads a miss in after dropping it.
 *
 * Kernel: the mapping's i_pages xa_lock is a spinlock; filemap_alloc_folio() may sleep.
 * Protocol: the lookup may run under the tree lock; a miss is read in (allocated) only
 * after the lock is dropped.
 * lookup() returns a new reference (folio_try_get); the caller puts it.
 */
import { folioPut, spinLockInit, withSpinLock, type Memory } from 'memdesc';
import { PageCache } from '../lib/pcache.js';

export function run(mem: Memory): void {
  const cache = new PageCache(mem);
  const treeLock = spinLockInit(mem, 'i_pages');
  let got = withSpinLock(treeLock, () => cache.lookup(12));
  if (got === null) got = cache.readPage(12, 0); // process context: may sleep
  if (got !== null) folioPut(got);
  cache.destroy();
}
