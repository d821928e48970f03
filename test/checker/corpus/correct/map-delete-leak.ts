/** Truncating one entry of a Map-backed cache frees its page, then deletes the entry. */
import { allocPage, freePage, GFP_KERNEL, type Memory } from 'memdesc';
import { fillPage, type DataPage } from '../lib/pages.js';

export function run(mem: Memory): void {
  const cache = new Map<number, DataPage>();
  for (let i = 0; i < 4; i++) {
    const page = allocPage(mem, GFP_KERNEL);
    if (page === null) break;
    fillPage(page, i, 8);
    cache.set(i, page);
  }
  const victim = cache.get(2);
  if (victim !== undefined) freePage(victim);
  cache.delete(2);
  for (const page of cache.values()) freePage(page);
  cache.clear();
}
