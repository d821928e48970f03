/**
 * lookup: only a hit is counted under the inode hash lock; iget() (GFP_NOFS) runs outside it.
 *
 * Kernel: inode_hash_lock is a spinlock; alloc_inode() uses GFP_NOFS, which may reclaim.
 * Protocol: only the hash lookup runs under the lock; a miss is allocated outside it
 * (the kernel drops the lock, allocates, and retries the lookup).
 */
import { spinLockInit, withSpinLock, type Memory } from 'memdesc';
import { InodeCache, inodeNumber } from '../lib/icache.js';

export function run(mem: Memory): void {
  const icache = new InodeCache(mem);
  const hashLock = spinLockInit(mem, 'inode_hash_lock');
  const cachedIno = icache.iget(7); // warm entry
  let found = -1;
  const inode = icache.iget(8);
  withSpinLock(hashLock, () => {
    if (inode !== null) found = inodeNumber(inode);
  });
  if (inode !== null) icache.iput(8);
  if (cachedIno !== null) icache.iput(7);
  icache.destroy();
  if (found !== 8) throw new Error('lookup failed');
}
