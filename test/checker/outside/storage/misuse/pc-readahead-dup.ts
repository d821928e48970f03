import { folioAlloc, folioLock, folioUnlock, writeRaw, GFP_KERNEL, type Memory } from 'memdesc';
import { PageCache } from '../lib/pagecache.js';

/** Async-style readahead window: fills [start, start+n) with freshly read folios. */
function readWindow(mem: Memory, cache: PageCache, start: number, n: number): number {
  let added = 0;
  for (let i = start; i < start + n; i++) {
    const f = folioAlloc(mem, GFP_KERNEL, 0); // expect: leak
    if (!f) break;
    const locked = folioLock(f);
    writeRaw(locked, new Uint8Array([i]), 0);
    folioUnlock(locked);
    if (!cache.add(i, f)) continue; // expect-also: leak
    added++;
  }
  return added;
}

export function run(mem: Memory): void {
  const cache = new PageCache(mem);
  cache.readahead(2, 1);
  readWindow(mem, cache, 0, 4);
  cache.destroy();
}
