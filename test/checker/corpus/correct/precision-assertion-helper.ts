/** A helper declared with memdesc's own assertion signature frees its argument; the caller does not touch it afterwards. */
import { allocPage, freePage, GFP_KERNEL, type Consumed, type Live, type Memory, type Owned, type Page } from 'memdesc';
import { readHeader, writeHeader } from '../lib/pages.js';

function retire<P extends Owned<Page<0>> & Live>(page: P): asserts page is P & Consumed {
  freePage(page);
}

export function run(mem: Memory): void {
  const page = allocPage(mem, GFP_KERNEL);
  if (page === null) return;
  writeHeader(page, 8, 8);
  const { seq } = readHeader(page);
  retire(page);
  console.assert(seq === 8);
}
