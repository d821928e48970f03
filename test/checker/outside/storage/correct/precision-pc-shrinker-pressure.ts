import { allocPages, freePages, GFP_KERNEL, __GFP_NOWARN, gfp, type Memory, type Owned, type Page } from 'memdesc';
import { PageCache } from '../lib/pagecache.js';

/** Fills memory until reclaim runs: the registered shrinker evicts clean folios from the list_lru. */
export function run(mem: Memory): void {
  const cache = new PageCache(mem);
  cache.registerShrinker();
  cache.readahead(0, 64);
  cache.write(3, new Uint8Array([1])); // dirty: the shrinker must skip it
  const hog: Owned<Page<8>>[] = [];
  for (let i = 0; i < 1024; i++) {
    const p = allocPages(mem, gfp(GFP_KERNEL, __GFP_NOWARN), 8);
    if (p === null) break;
    hog.push(p);
  }
  for (const p of hog) freePages(p, 8);
  const sink: Uint8Array[] = [];
  cache.writeback(3, sink);
  cache.destroy();
}
