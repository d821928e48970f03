// unlink(): drop the dentry's inode and evict it when it was the last link; then log the inode
// number for the audit trail.
// Bug: the audit record reads the inode object through the struct after evict() freed it.
import { type Memory } from 'memdesc';
import { InodeCache, inodeNumber, type Inode } from '../lib/icache.js';

function unlink(icache: InodeCache, inode: Inode, audit: number[]): void {
  icache.iput(inode);
  if (inode.count === 0) icache.evict(inode);
  audit.push(inodeNumber(inode.obj)); // expect: use-after-free
}

export function run(mem: Memory): void {
  const icache = new InodeCache(mem);
  const audit: number[] = [];
  const a = icache.iget('a.txt');
  const b = icache.iget('b.txt');
  if (a !== null) unlink(icache, a, audit);
  if (b !== null) icache.iput(b);
  icache.destroy();
}
