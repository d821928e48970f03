import { allocPage, freePage, writeRaw, GFP_KERNEL, type Memory, type Owned, type Page } from 'memdesc';

export function run(mem: Memory): void {
  const pages: Owned<Page<0>>[] = [];
  for (let i = 0; i < 3; i++) {
    const p = allocPage(mem, GFP_KERNEL);
    if (p === null) throw new Error('ENOMEM');
    pages.push(p);
  }
  pages.forEach((p, i) => writeRaw(p, new Uint8Array([i]), 0));
  const first = pages.splice(0, 1)[0];
  if (first) freePage(first);
  pages.forEach((p) => freePage(p));
  pages.length = 0;
}
