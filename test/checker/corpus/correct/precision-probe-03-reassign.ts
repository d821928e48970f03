import { allocPage, freePage, readRaw, GFP_KERNEL, type Memory } from 'memdesc';

export function run(mem: Memory): void {
  let page = allocPage(mem, GFP_KERNEL);
  if (!page) return;
  const buf = new Uint8Array(4);
  readRaw(page, buf, 0);
  freePage(page);
  page = allocPage(mem, GFP_KERNEL);
  if (page === null) return;
  readRaw(page, buf, 0);
  freePage(page);
}
