import { folioRefCount, folioPut, type Memory, type ARef, type Folio } from 'memdesc';
import { PageCache } from '../lib/pagecache.js';

interface HotList { folios: ARef<Folio<0>>[] }

export function run(mem: Memory): void {
  const cache = new PageCache(mem);
  cache.readahead(0, 6);
  const hot: HotList = { folios: [] };
  for (const i of [1, 3]) {
    const f = cache.lookup(i);
    if (f) hot.folios.push(f);
  }
  cache.shrink(16); // reclaim drops every clean folio on the LRU
  let refs = 0;
  for (const f of hot.folios) refs += folioRefCount(f);
  for (const f of hot.folios) folioPut(f);
  cache.destroy();
  if (refs < 0) throw new Error('bad refcount');
}
