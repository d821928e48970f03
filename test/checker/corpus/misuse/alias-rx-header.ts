/** A receive path keeps a second name for its page and reads the header through it after the free. */
import { allocPage, freePage, GFP_KERNEL, type Memory } from 'memdesc';
import { readHeader, writeHeader } from '../lib/pages.js';

export function run(mem: Memory): void {
  const page = allocPage(mem, GFP_KERNEL);
  if (page === null) return;
  const rxbuf = page;
  writeHeader(page, 1, 64);
  freePage(page);
  const { seq } = readHeader(rxbuf); // expect: use-after-free
  if (seq !== 1) throw new Error('rx: bad sequence number');
}
