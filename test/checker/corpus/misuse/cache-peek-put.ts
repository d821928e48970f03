/** `peek()` lends the cache's own folio reference; the caller puts it as if it were its own, and `close()` puts it again. */
import { folioPut, type Memory } from 'memdesc';
import { FolioCache, folioChecksum } from '../lib/folios.js';

export function run(mem: Memory): void {
  const cache = new FolioCache(mem);
  cache.populate(0);
  cache.populate(1);
  let sum = 0;
  const ref = cache.peek(1);
  if (ref !== undefined) {
    sum += folioChecksum(ref);
    folioPut(ref); // expect-also: double-free
  }
  cache.close(); // expect: double-free
  console.assert(sum !== 0);
}
