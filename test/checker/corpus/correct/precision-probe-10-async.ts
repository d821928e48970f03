import { allocPage, freePage, writeRaw, GFP_KERNEL, type Memory, type Owned, type Page } from 'memdesc';

async function ioWrite(page: Owned<Page<0>>, b: Uint8Array): Promise<void> {
  await Promise.resolve();
  writeRaw(page, b, 0);
}

export async function run(mem: Memory): Promise<void> {
  const page = allocPage(mem, GFP_KERNEL);
  if (!page) return;
  await ioWrite(page, new Uint8Array([1]));
  await ioWrite(page, new Uint8Array([2]));
  freePage(page);
  const pages: Owned<Page<0>>[] = [];
  for (let i = 0; i < 3; i++) {
    const p = allocPage(mem, GFP_KERNEL);
    if (p) pages.push(p);
  }
  await Promise.all(pages.map((p) => ioWrite(p, new Uint8Array([3]))));
  for (const p of pages) freePage(p);
}
