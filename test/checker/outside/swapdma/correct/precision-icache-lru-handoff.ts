// Inodes handed to a longer-lived structure: unused inodes are parked on the LRU and the cache
// frees them later (prune, evict, umount). The caller never frees what it gave back with iput().
import { type Memory } from 'memdesc';
import { InodeCache, inodeNumber, type Inode } from '../lib/icache.js';

function lookupAll(icache: InodeCache, names: readonly string[]): Inode[] {
  const held: Inode[] = [];
  for (const n of names) {
    const ino = icache.iget(n);
    if (ino === null) continue;
    held.push(ino);
  }
  return held;
}

export function run(mem: Memory): void {
  const icache = new InodeCache(mem);
  const held = lookupAll(icache, ['bin', 'etc', 'usr', 'var']);
  let sum = 0;
  for (const ino of held) sum += inodeNumber(ino.obj);
  for (const ino of held) icache.iput(ino); // parked on the LRU: the cache owns them now
  const pruned = icache.prune(2); // the shrinker's path frees the two oldest
  const again = icache.iget('bin'); // was pruned: a fresh object
  if (again !== null) {
    sum += inodeNumber(again.obj);
    icache.iput(again);
  }
  const etc = icache.find('var');
  if (etc !== undefined && etc.count === 0) icache.evict(etc);
  void sum;
  void pruned;
  icache.destroy(); // frees the rest
}
