/**
 * A recycling helper keeps a page in a small cache, or frees it when the cache is full. The caller
 * keeps using the page after recycling it; the cache is full, so the page is gone.
 */
import { allocPage, freePage, GFP_KERNEL, type Memory } from 'memdesc';
import { readHeader, writeHeader, type DataPage } from '../lib/pages.js';

const MAX_CACHED = 2;

function recycle(cache: DataPage[], page: DataPage): void {
  if (cache.length >= MAX_CACHED) freePage(page);
  else cache.push(page);
}

export function run(mem: Memory): void {
  const cache: DataPage[] = [];
  for (let i = 0; i < MAX_CACHED; i++) {
    const p = allocPage(mem, GFP_KERNEL);
    if (p !== null) cache.push(p);
  }
  const page = allocPage(mem, GFP_KERNEL);
  if (page !== null) {
    writeHeader(page, 5, 10);
    recycle(cache, page);
    console.assert(readHeader(page).seq === 5); // expect: use-after-free
  }
  for (const p of cache) freePage(p);
}
