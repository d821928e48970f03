import { folioPut, readRaw, type Memory } from 'memdesc';
import { PageCache } from '../lib/pagecache.js';

/** Take-from-cache-then-put: the reference moves out of the Map before it is dropped. */
export function run(mem: Memory): void {
  const cache = new PageCache(mem);
  cache.readahead(0, 4);
  const b = new Uint8Array(1);
  for (const i of cache.indexes()) {
    if (i % 2 === 0) continue;
    const f = cache.take(i);
    if (!f) continue;
    readRaw(f, b, 0);
    folioPut(f);
  }
  cache.destroy();
}
