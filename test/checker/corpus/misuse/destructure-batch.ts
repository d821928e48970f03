/** Array destructuring: the first page of a batch is read after the whole batch was freed. */
import { allocPage, freePage, GFP_KERNEL, type Memory } from 'memdesc';
import { readHeader, writeHeader, type DataPage } from '../lib/pages.js';

export function run(mem: Memory): void {
  const batch: DataPage[] = [];
  for (let i = 0; i < 3; i++) {
    const page = allocPage(mem, GFP_KERNEL);
    if (page === null) break;
    writeHeader(page, i, 0);
    batch.push(page);
  }
  const [head] = batch;
  for (const page of batch) freePage(page);
  if (head !== undefined) console.assert(readHeader(head).seq === 0); // expect: use-after-free
}
