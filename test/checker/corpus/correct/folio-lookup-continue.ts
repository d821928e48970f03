/** A scan takes a reference on each cached folio (`lookup`), and the path that skips the metadata page puts it first. */
import { folioPut, type Memory } from 'memdesc';
import { FolioCache, folioChecksum } from '../lib/folios.js';

export function run(mem: Memory): void {
  const cache = new FolioCache(mem);
  for (let i = 0; i < 4; i++) cache.populate(i);
  let sum = 0;
  for (let i = 0; i < 4; i++) {
    const ref = cache.lookup(i);
    if (ref === null) continue;
    if (i === 2) {
      folioPut(ref); // the metadata page is not checksummed
      continue;
    }
    sum += folioChecksum(ref);
    folioPut(ref);
  }
  cache.close();
  console.assert(sum !== 0);
}
