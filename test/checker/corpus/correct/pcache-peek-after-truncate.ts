/** A reader that must outlive a truncate takes its own reference with lookup(), and puts it. */
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
  const cached = cache.lookup(3);
  if (cached === null) {
    cache.destroy();
    return;
  }
  cache.truncate(0); // ftruncate(fd, 0) from another path
  const b = new Uint8Array(1);
  readRaw(cached, b, 0); // our reference keeps the folio
  folioPut(cached);
  cache.destroy();
}
