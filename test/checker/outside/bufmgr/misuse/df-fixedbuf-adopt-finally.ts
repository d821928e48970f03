// io_uring fixed buffers: the driver allocates the pages of a buffer itself (it wants them
// zeroed), registers them with the table, and releases them in a finally block "in case
// registration failed" -- but the table owns them once adopt() returned.
import { allocPage, freePage, gfp, GFP_KERNEL, __GFP_ZERO, type Memory, type Owned, type Page } from 'memdesc';
import { FixedBufTable, copyToFixed, copyFromFixed } from '../lib/fixedbuf.js';

function allocZeroed(mem: Memory, n: number): Owned<Page<0>>[] {
  const pages: Owned<Page<0>>[] = [];
  for (let i = 0; i < n; i++) {
    const p = allocPage(mem, gfp(GFP_KERNEL, __GFP_ZERO));
    if (p === null) break;
    pages.push(p);
  }
  return pages;
}

export function run(mem: Memory): void {
  const table = new FixedBufTable(2);
  const pages = allocZeroed(mem, 3);
  let registered = false;
  try {
    if (pages.length < 3) throw new Error('ENOMEM');
    const buf = table.adopt(0, pages);
    registered = true;
    copyToFixed(buf, 4000, new Uint8Array(200).fill(7));
    if (copyFromFixed(buf, 4096, 4)[0] !== 7) throw new Error('EIO');
    table.unregister(0); // expect-also: double-free
  } finally {
    for (const p of pages) freePage(p); // expect: double-free
  }
  if (!registered) throw new Error('not registered');
  table.destroy();
}
