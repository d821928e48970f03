/** A Map entry's page is freed but the entry stays; a later lookup of the same key reads the freed page. */
import { allocPage, freePage, GFP_KERNEL, type Memory } from 'memdesc';
import { checksumPage, fillPage, type DataPage } from '../lib/pages.js';

export function run(mem: Memory): void {
  const cache = new Map<string, DataPage>();
  for (const name of ['superblock', 'bitmap', 'inode-table']) {
    const page = allocPage(mem, GFP_KERNEL);
    if (page === null) break;
    fillPage(page, name.length, 64);
    cache.set(name, page);
  }
  const bitmap = cache.get('bitmap');
  if (bitmap !== undefined) freePage(bitmap); // the bitmap is rebuilt on demand
  let total = 0;
  const again = cache.get('bitmap');
  if (again !== undefined) total += checksumPage(again, 64); // expect: use-after-free
  cache.delete('bitmap');
  for (const page of cache.values()) freePage(page);
  console.assert(total >= 0);
}
