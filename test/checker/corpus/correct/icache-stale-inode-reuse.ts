/** readdir reads the inode number before its iput(); the next iget() may reuse the object freely. */
import { type Memory } from 'memdesc';
import { InodeCache, inodeNumber } from '../lib/icache.js';

export function run(mem: Memory): void {
  const icache = new InodeCache(mem);
  const root = icache.iget(2); // pins the slab
  const entry = icache.iget(10);
  if (entry === null || root === null) {
    if (entry !== null) icache.iput(10);
    if (root !== null) icache.iput(2);
    icache.destroy();
    return;
  }
  const ino = inodeNumber(entry);
  icache.iput(10); // the last reference: inode 10 is freed
  const next = icache.iget(11); // reuses the freed object
  if (next !== null) icache.iput(11);
  icache.iput(2);
  icache.destroy();
  if (ino !== 10) throw new Error('bad inode number');
}
