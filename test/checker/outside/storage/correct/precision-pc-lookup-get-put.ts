import { folioGet, folioPut, folioRefCount, readRaw, type Memory, type ARef, type Folio } from 'memdesc';
import { PageCache } from '../lib/pagecache.js';

/** Two readers share a folio: each holds its own counted reference. */
export function run(mem: Memory): void {
  const cache = new PageCache(mem);
  cache.readahead(0, 2);
  const a = cache.lookup(1);
  if (!a) return;
  const readers: ARef<Folio<0>>[] = [a, folioGet(a)];
  cache.evict(1); // the cache's reference goes; ours keep the folio alive
  const b = new Uint8Array(1);
  for (const r of readers) readRaw(r, b, 0);
  if (folioRefCount(a) !== 2) throw new Error('refcount');
  while (readers.length > 0) folioPut(readers.pop()!);
  cache.destroy();
}
