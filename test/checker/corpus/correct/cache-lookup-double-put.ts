/** A looked-up folio reference is kept under a second name; the reference is put once. */
import { folioPut, type Memory } from 'memdesc';
import { FolioCache, folioChecksum } from '../lib/folios.js';

export function run(mem: Memory): void {
  const cache = new FolioCache(mem);
  cache.populate(0);
  const ref = cache.lookup(0);
  if (ref === null) {
    cache.close();
    return;
  }
  const held = ref;
  console.assert(folioChecksum(held) !== 0);
  folioPut(held);
  cache.close();
}
