/** `lookup()` hands out a reference of the caller's own; the caller puts it, and `close()` puts the cache's. */
import { folioPut, type Memory } from 'memdesc';
import { FolioCache, folioChecksum } from '../lib/folios.js';

export function run(mem: Memory): void {
  const cache = new FolioCache(mem);
  cache.populate(0);
  cache.populate(1);
  let sum = 0;
  const ref = cache.lookup(1);
  if (ref !== null) {
    sum += folioChecksum(ref);
    folioPut(ref);
  }
  cache.close();
  console.assert(sum !== 0);
}
