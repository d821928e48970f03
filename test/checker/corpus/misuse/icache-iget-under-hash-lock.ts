/**
 * lookup under the inode hash lock: a miss falls through to iget(), which allocates with GFP_NOFS.
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
  withSpinLock(hashLock, () => {
    const inode = icache.iget(8); // expect: sleep-in-atomic
    if (inode !== null) {
      found = inodeNumber(inode);
      icache.iput(8);
    }
  });
  if (cachedIno !== null) icache.iput(7);
  icache.destroy();
  if (found !== 8) throw new Error('lookup failed');
}
