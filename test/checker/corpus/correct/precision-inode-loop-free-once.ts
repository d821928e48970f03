/**
 * Evicting a batch of inodes: each one is freed exactly once by the loop over the array.
 *
 * Kernel: evict_inodes() at unmount frees every inode of the superblock.
 * Protocol: the batch array owns its inodes; one loop reads, one loop frees each
 * exactly once; the cache is destroyed empty.
 */
import { kmemCacheCreate, kmemCacheDestroy, type Memory } from 'memdesc';
import { destroyInode, inodeNumber, newInode, type Inode } from '../lib/icache.js';

export function run(mem: Memory): void {
  const cache = kmemCacheCreate(mem, 'toy_inode', 256);
  const batch: Inode[] = [];
  for (let i = 0; i < 20; i++) {
    const inode = newInode(mem, cache);
    if (inode !== null) batch.push(inode);
  }
  let sum = 0;
  for (const inode of batch) sum += inodeNumber(inode);
  for (const inode of batch) destroyInode(cache, inode);
  batch.length = 0;
  kmemCacheDestroy(cache);
  if (sum < 0) throw new Error('unreachable');
}
