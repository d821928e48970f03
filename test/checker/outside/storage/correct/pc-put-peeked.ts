import { folioPut, readRaw, type Memory } from 'memdesc';
import { PageCache } from '../lib/pagecache.js';

function checksum(cache: PageCache, index: number): number {
  const f = cache.lookup(index);
  if (!f) return 0;
  const b = new Uint8Array(4);
  readRaw(f, b, 0);
  folioPut(f);
  return b.reduce((a, x) => a + x, 0);
}

export function run(mem: Memory): void {
  const cache = new PageCache(mem);
  cache.readahead(0, 4);
  let sum = 0;
  sum += checksum(cache, 2);
  cache.destroy();
  if (sum < 0) throw new Error('bad');
}
