import { allocPage, freePage, writeRaw, GFP_KERNEL, type Memory } from 'memdesc';

export function run(mem: Memory): void {
  const page = allocPage(mem, GFP_KERNEL);
  if (page === null) return;
  let released = false;
  const data = new Uint8Array(8);
  if (data.length > 4) {
    freePage(page);
    released = true;
  }
  if (!released) {
    writeRaw(page, data, 0);
    freePage(page);
  }
}
