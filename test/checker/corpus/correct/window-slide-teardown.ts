/**
 * A sliding window of pages in an array: sliding frees the oldest page through `window[base]` and
 * advances `base`; teardown frees the entries from `base` on.
 */
import { allocPage, freePage, GFP_KERNEL, type Memory } from 'memdesc';
import { writeHeader, type DataPage } from '../lib/pages.js';

export function run(mem: Memory): void {
  const window: DataPage[] = [];
  for (let i = 0; i < 4; i++) {
    const page = allocPage(mem, GFP_KERNEL);
    if (page === null) break;
    writeHeader(page, i, 0);
    window.push(page);
  }
  let base = 0;
  // slide by one: the oldest page is acknowledged
  if (window.length > 1) {
    freePage(window[base]!);
    base++;
  }
  for (let i = base; i < window.length; i++) freePage(window[i]!);
}
