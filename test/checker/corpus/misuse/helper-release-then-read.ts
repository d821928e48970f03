/** A helper in another module frees its argument; the caller reads the page afterwards. */
import { allocPage, GFP_KERNEL, type Memory } from 'memdesc';
import { readHeader, releasePage, writeHeader } from '../lib/pages.js';

export function run(mem: Memory): void {
  const page = allocPage(mem, GFP_KERNEL);
  if (page === null) return;
  writeHeader(page, 3, 100);
  releasePage(page);
  const hdr = readHeader(page); // expect: use-after-free
  console.assert(hdr.len === 100);
}
