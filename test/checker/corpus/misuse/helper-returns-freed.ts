/**
 * An LRU eviction helper frees the oldest page and returns it "for statistics"; the caller reads
 * the returned (freed) page.
 */
import { allocPage, freePage, GFP_KERNEL, type Memory } from 'memdesc';
import { readHeader, writeHeader, type DataPage } from '../lib/pages.js';

function evictOldest(lru: DataPage[]): DataPage | undefined {
  const victim = lru.shift();
  if (victim !== undefined) freePage(victim);
  return victim;
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
  if (victim !== undefined) stats.lastEvictedSeq = readHeader(victim).seq; // expect: use-after-free
  for (const page of lru) freePage(page);
}
