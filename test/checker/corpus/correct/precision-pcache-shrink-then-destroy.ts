/**
 * The shrinker's LRU walk puts cached folios; destroy() puts only what reclaim left.
 *
 * Kernel: the page-cache shrinker walks the LRU oldest first (list_lru_walk).
 * Protocol: the isolate callback removes the entry and puts the cache's reference; a
 * caller's own lookup() reference survives reclaim and is put by the caller.
 */
import { folioPut, readRaw, type Memory } from 'memdesc';
import { PageCache } from '../lib/pcache.js';

export function run(mem: Memory): void {
  const cache = new PageCache(mem);
  for (let i = 0; i < 6; i++) {
    const ref = cache.readPage(i, i);
    if (ref !== null) folioPut(ref);
  }
  const hot = cache.lookup(5); // our own reference survives reclaim
  cache.shrink(4); // oldest first: 0..3
  if (hot !== null) {
    readRaw(hot, new Uint8Array(1), 0);
    folioPut(hot);
  }
  if (cache.pages.size !== 2) throw new Error('reclaim miscounted');
  cache.destroy();
}
