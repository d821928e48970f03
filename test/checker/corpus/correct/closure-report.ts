/** A status closure is created while the page is live and called before the page is freed. */
import { allocPage, freePage, GFP_KERNEL, type Memory } from 'memdesc';
import { readHeader, writeHeader } from '../lib/pages.js';

export function run(mem: Memory): void {
  const page = allocPage(mem, GFP_KERNEL);
  if (page === null) return;
  writeHeader(page, 9, 16);
  const report = (): number => readHeader(page).seq;
  const seq = report();
  freePage(page);
  console.assert(seq === 9);
}
