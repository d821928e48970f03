/**
 * A fault path holds the mapping's tree lock and reads a missing index in (folio_alloc with GFP_KERNEL).
 *
 * Kernel: the mapping's i_pages xa_lock is a spinlock; filemap_alloc_folio() may sleep.
 * Protocol: the lookup may run under the tree lock; a miss is read in (allocated) only
 * after the lock is dropped.
 * lookup() returns a new reference (folio_try_get); the caller puts it.
 */
import { folioPut, spinLockInit, withSpinLock, type ARef, type Folio, type Memory } from 'memdesc';
import { PageCache } from '../lib/pcache.js';

function findOrRead(cache: PageCache, index: number): ARef<Folio<0>> | null {
  return cache.lookup(index) ?? cache.readPage(index, 0); // expect-also: sleep-in-atomic
}

export function run(mem: Memory): void {
  const cache = new PageCache(mem);
  const treeLock = spinLockInit(mem, 'i_pages');
  const got = withSpinLock(treeLock, () => findOrRead(cache, 12)); // expect: sleep-in-atomic
  if (got !== null) folioPut(got);
  cache.destroy();
}
