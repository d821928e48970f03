/** iget() twice and iput() twice: the cache's own count decides when the slab object is freed. */
import { type Memory } from 'memdesc';
import { InodeCache, inodeNumber } from '../lib/icache.js';

export function run(mem: Memory): void {
  const icache = new InodeCache(mem);
  const a = icache.iget(100);
  const b = icache.iget(100); // same inode, second reference
  if (a === null || b === null) {
    if (a !== null) icache.iput(100);
    if (b !== null) icache.iput(100);
    icache.destroy();
    return;
  }
  icache.iput(100);
  const n = inodeNumber(b); // still cached: one reference left
  icache.iput(100);
  if (icache.cached !== 0 || n !== 100) throw new Error('inode count');
  icache.destroy();
}
