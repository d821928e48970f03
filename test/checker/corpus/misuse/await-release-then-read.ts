/** `await` on an async helper that frees the page; the caller reads the page after the await. */
import { allocPage, freePage, GFP_KERNEL, type Memory } from 'memdesc';
import { ioComplete } from '../lib/io.js';
import { readHeader, writeHeader, type DataPage } from '../lib/pages.js';

async function releaseWhenIdle(page: DataPage): Promise<void> {
  await ioComplete();
  freePage(page);
}

export async function run(mem: Memory): Promise<void> {
  const page = allocPage(mem, GFP_KERNEL);
  if (page === null) return;
  writeHeader(page, 4, 4);
  await releaseWhenIdle(page);
  console.assert(readHeader(page).seq === 4); // expect: use-after-free
}
