import { readRaw, type Memory } from 'memdesc';
import { PageCache } from '../lib/pagecache.js';

/** Truncate the tail of a file, then report the first byte of the last page that was cached. */
function truncateAndReport(cache: PageCache, from: number): number {
  const b = new Uint8Array(1);
  let seen = -1;
  for (const i of cache.indexes()) {
    if (i < from) continue;
    const f = cache.peek(i);
    if (f) {
      readRaw(f, b, 0);
      seen = b[0]!;
    }
    cache.evict(i);
  }
  return seen;
}

export function run(mem: Memory): void {
  const cache = new PageCache(mem);
  cache.readahead(0, 8);
  truncateAndReport(cache, 5);
  cache.destroy();
}
