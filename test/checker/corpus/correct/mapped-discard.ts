/** While a received page is mapped (`withPageMapped`), the parser only decides; the helper that frees the page runs after the unmap. */
import { allocPage, freePage, withPageMapped, writeRaw, GFP_KERNEL, type Memory } from 'memdesc';
import { type DataPage } from '../lib/pages.js';

const stats = { dropped: 0 };

function discard(page: DataPage): void {
  stats.dropped++;
  freePage(page);
}

export function run(mem: Memory): void {
  const page = allocPage(mem, GFP_KERNEL);
  if (page === null) return;
  writeRaw(page, new Uint8Array([0xff, 0x10]), 0); // a packet with the "bad" flag
  const len = withPageMapped(page, (view) => {
    if (view[0] === 0xff) return -1;
    return view[1]!;
  });
  if (len < 0) discard(page);
  else freePage(page);
}
