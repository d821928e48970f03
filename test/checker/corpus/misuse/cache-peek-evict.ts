/** The caller borrows the cache's reference with `peek()`, evicts the entry (the last put), then checksums the folio. */
import { type Memory } from 'memdesc';
import { FolioCache, folioChecksum } from '../lib/folios.js';

export function run(mem: Memory): void {
  const cache = new FolioCache(mem);
  for (let i = 0; i < 4; i++) cache.populate(i);
  const folio = cache.peek(3);
  cache.evict(3);
  if (folio !== undefined) console.assert(folioChecksum(folio) !== 0); // expect: use-after-free
  cache.close();
}
