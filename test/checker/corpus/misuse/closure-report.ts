/** A status closure is created while the page is live and called after the page was freed. */
import { allocPage, freePage, GFP_KERNEL, type Memory } from 'memdesc';
import { readHeader, writeHeader } from '../lib/pages.js';

export function run(mem: Memory): void {
  const page = allocPage(mem, GFP_KERNEL);
  if (page === null) return;
  writeHeader(page, 9, 16);
  const report = (): number => readHeader(page).seq; // expect-also: use-after-free
  freePage(page);
  const seq = report(); // expect: use-after-free
  console.assert(seq === 9);
}
