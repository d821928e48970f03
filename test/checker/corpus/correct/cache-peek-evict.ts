/** The caller takes its own reference with `lookup()`, evicts the entry, checksums the folio and puts its reference. */
import { folioPut, type Memory } from 'memdesc';
import { FolioCache, folioChecksum } from '../lib/folios.js';

export function run(mem: Memory): void {
  const cache = new FolioCache(mem);
  for (let i = 0; i < 4; i++) cache.populate(i);
  const folio = cache.lookup(3);
  cache.evict(3);
  if (folio !== null) {
    console.assert(folioChecksum(folio) !== 0);
    folioPut(folio);
  }
  cache.close();
}
