/**
 * stat(): the inode's number is read for the reply, then the inode is put.
 *
 * Kernel: iget_locked()/iput(); the last iput() evicts and frees the inode (slab object).
 * Protocol: a caller may use the inode only between its iget() and its iput();
 * copy out what the reply needs before the put.
 */
import { type Memory } from 'memdesc';
import { InodeCache, inodeNumber } from '../lib/icache.js';

function statIno(icache: InodeCache, ino: number): number {
  const inode = icache.iget(ino);
  if (inode === null) return -1;
  const n = inodeNumber(inode);
  icache.iput(ino); // the last reference: evicted and freed
  return n;
}

export function run(mem: Memory): void {
  const icache = new InodeCache(mem);
  const n = statIno(icache, 42);
  icache.destroy();
  if (n !== 42) throw new Error('wrong inode');
}
