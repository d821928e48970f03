/** An async retire frees the page after the device is quiesced; the caller waits and frees nothing itself. */
import { allocPage, freePage, GFP_KERNEL, type Memory } from 'memdesc';
import { ioComplete } from '../lib/io.js';
import { fillPage, type DataPage } from '../lib/pages.js';

async function retire(page: DataPage): Promise<void> {
  await ioComplete(); // the device stops DMA into the page
  freePage(page);
}

export async function run(mem: Memory): Promise<void> {
  const page = allocPage(mem, GFP_KERNEL);
  if (page === null) return;
  fillPage(page, 1, 8);
  const retiring = retire(page);
  await retiring;
}
