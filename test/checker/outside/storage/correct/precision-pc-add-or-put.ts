import { folioAlloc, folioPut, GFP_KERNEL, type Memory } from 'memdesc';
import { PageCache } from '../lib/pagecache.js';

/** add() takes the reference only when it returns true; otherwise the caller still owns it. */
export function run(mem: Memory): void {
  const cache = new PageCache(mem);
  cache.readahead(0, 2);
  for (const i of [0, 1, 2, 3]) {
    const f = folioAlloc(mem, GFP_KERNEL, 0);
    if (!f) break;
    const inserted = cache.add(i, f);
    if (!inserted) folioPut(f);
  }
  if (cache.size !== 4) throw new Error('size');
  cache.destroy();
}
