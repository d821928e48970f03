/** Truncating one entry of a Map-backed cache deletes the entry without freeing its page. */
import { allocPage, freePage, GFP_KERNEL, type Memory } from 'memdesc';
import { fillPage, type DataPage } from '../lib/pages.js';

export function run(mem: Memory): void {
  const cache = new Map<number, DataPage>();
  for (let i = 0; i < 4; i++) {
    const page = allocPage(mem, GFP_KERNEL); // expect: leak
    if (page === null) break;
    fillPage(page, i, 8);
    cache.set(i, page);
  }
  cache.delete(2); // expect-also: leak
  for (const page of cache.values()) freePage(page);
  cache.clear();
}
