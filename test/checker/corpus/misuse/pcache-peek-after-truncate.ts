/** A reader peeks at the cached folio without a reference; a truncate drops the cache's reference. */
import { readRaw, folioPut, type Memory } from 'memdesc';
import { PageCache } from '../lib/pcache.js';

export function run(mem: Memory): void {
  const cache = new PageCache(mem);
  const ref = cache.readPage(3, 0x5a);
  if (ref === null) {
    cache.destroy();
    return;
  }
  folioPut(ref); // the cache keeps its own reference
  const cached = cache.peek(3);
  if (cached === null) {
    cache.destroy();
    return;
  }
  cache.truncate(0); // ftruncate(fd, 0) from another path
  const b = new Uint8Array(1);
  readRaw(cached, b, 0); // expect: use-after-free
  cache.destroy();
}
