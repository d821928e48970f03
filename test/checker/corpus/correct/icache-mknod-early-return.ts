/** mknod(): a new inode is allocated, and a name collision destroys it before returning -EEXIST. */
import { kmemCacheCreate, type KmemCache, type Memory } from 'memdesc';
import { destroyInode, newInode } from '../lib/icache.js';

function mknod(mem: Memory, cache: KmemCache<'toy_inode'>, names: Set<string>, name: string): number {
  const inode = newInode(mem, cache);
  if (inode === null) return -12;
  if (names.has(name)) {
    destroyInode(cache, inode);
    return -17;
  }
  names.add(name);
  destroyInode(cache, inode); // the toy fs keeps only the name
  return 0;
}

export function run(mem: Memory): void {
  // The module's inode cache lives as long as the module.
  const cache = kmemCacheCreate(mem, 'toy_inode', 256);
  const names = new Set(['null', 'zero']); // the toy devtmpfs directory
  mknod(mem, cache, names, 'tty');
  mknod(mem, cache, names, 'null');
}
