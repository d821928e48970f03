import { readRaw, type Memory } from 'memdesc';
import { PageCache } from '../lib/pagecache.js';

/** Truncate the tail of a file, then report the first byte of the last page that was cached. */
function truncateAndReport(cache: PageCache, from: number): number {
  let last = cache.peek(from);
  for (const i of cache.indexes()) {
    if (i < from) continue;
    last = cache.peek(i) ?? last;
    cache.evict(i);
  }
  if (!last) return -1;
  const b = new Uint8Array(1);
  readRaw(last, b, 0); // expect: use-after-free
  return b[0]!;
}

export function run(mem: Memory): void {
  const cache = new PageCache(mem);
  cache.readahead(0, 8);
  truncateAndReport(cache, 5);
  cache.destroy();
}
