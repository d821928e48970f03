/**
 * An LRU eviction helper takes the oldest page off the list and returns it; the caller reads it
 * for statistics and frees it.
 */
import { allocPage, freePage, GFP_KERNEL, type Memory } from 'memdesc';
import { readHeader, writeHeader, type DataPage } from '../lib/pages.js';

function evictOldest(lru: DataPage[]): DataPage | undefined {
  return lru.shift();
}

export function run(mem: Memory): void {
  const lru: DataPage[] = [];
  for (let i = 0; i < 3; i++) {
    const page = allocPage(mem, GFP_KERNEL);
    if (page === null) break;
    writeHeader(page, i, 0);
    lru.push(page);
  }
  const stats = { lastEvictedSeq: -1 };
  const victim = evictOldest(lru);
  if (victim !== undefined) {
    stats.lastEvictedSeq = readHeader(victim).seq;
    freePage(victim);
  }
  for (const page of lru) freePage(page);
}
