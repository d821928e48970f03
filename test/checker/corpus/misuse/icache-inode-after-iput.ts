/**
 * stat(): the inode is put, then its number is read for the reply.
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
  icache.iput(ino); // the last reference: evicted and freed
  return inodeNumber(inode); // expect: use-after-free
}

export function run(mem: Memory): void {
  const icache = new InodeCache(mem);
  const n = statIno(icache, 42);
  icache.destroy();
  if (n !== 42) throw new Error('wrong inode');
}
