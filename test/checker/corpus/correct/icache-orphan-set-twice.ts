/** Orphan inodes collected in a Set are destroyed by the recovery pass, which empties the Set. */
import { type Memory } from 'memdesc';
import { InodeCache, destroyInode, newInode, type Inode } from '../lib/icache.js';

function recover(icache: InodeCache, orphans: Set<Inode>): void {
  for (const inode of orphans) destroyInode(icache.cache, inode);
  orphans.clear();
}

export function run(mem: Memory): void {
  const icache = new InodeCache(mem);
  const root = icache.iget(2); // keeps the slab alive
  const orphans = new Set<Inode>();
  for (let i = 0; i < 3; i++) {
    const inode = newInode(mem, icache.cache);
    if (inode !== null) orphans.add(inode);
  }
  recover(icache, orphans);
  for (const inode of orphans) destroyInode(icache.cache, inode);
  if (root !== null) icache.iput(2);
  icache.destroy();
}
