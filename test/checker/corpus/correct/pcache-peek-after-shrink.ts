/**
 * A reader takes its own reference on a cached folio; memory pressure runs the LRU walk first.
 *
 * Kernel: the page-cache shrinker (list_lru_walk, oldest first) drops clean folios.
 * Protocol: peek() lends the cache's own reference, which the shrinker may put at any
 * allocation that reclaims; a reader that can race reclaim takes its own with lookup().
 */
import { folioPut, readRaw, type Memory } from 'memdesc';
import { PageCache } from '../lib/pcache.js';

export function run(mem: Memory): void {
  const cache = new PageCache(mem);
  for (let i = 0; i < 4; i++) {
    const ref = cache.readPage(i, 0x40 + i);
    if (ref !== null) folioPut(ref);
  }
  const oldest = cache.lookup(0);
  const reclaimed = cache.shrink(2); // the shrinker runs: indexes 0 and 1 go
  const b = new Uint8Array(1);
  if (oldest !== null) {
    readRaw(oldest, b, 0); // our reference kept the folio
    folioPut(oldest);
  }
  cache.destroy();
  if (reclaimed !== 2) throw new Error('shrinker did nothing');
}
