/**
 * A page cache in a Map: invalidating entry 2 frees it and deletes the entry; truncating from 2
 * frees what is left from there.
 */
import { allocPage, freePage, GFP_KERNEL, type Memory } from 'memdesc';
import { writeHeader, type DataPage } from '../lib/pages.js';

export function run(mem: Memory): void {
  const cache = new Map<number, DataPage>();
  for (let i = 0; i < 4; i++) {
    const page = allocPage(mem, GFP_KERNEL);
    if (page === null) break;
    writeHeader(page, i, 0);
    cache.set(i, page);
  }
  // invalidate_mapping_pages(2)
  const stale = cache.get(2);
  if (stale !== undefined) freePage(stale);
  cache.delete(2);
  // truncate_inode_pages(from 2)
  for (const [index, page] of cache) {
    if (index >= 2) freePage(page);
  }
  for (const [index, page] of cache) {
    if (index < 2) freePage(page);
  }
  cache.clear();
}
