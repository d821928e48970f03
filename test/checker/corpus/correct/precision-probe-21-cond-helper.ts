import { allocPage, freePage, readRaw, GFP_KERNEL, type Memory, type Owned, type Page } from 'memdesc';

/** Frees the page when it is empty; returns whether it did. */
function releaseIfEmpty(page: Owned<Page<0>>): boolean {
  const b = new Uint8Array(1);
  readRaw(page, b, 0);
  if (b[0] === 0) {
    freePage(page);
    return true;
  }
  return false;
}

export function run(mem: Memory): void {
  const page = allocPage(mem, GFP_KERNEL);
  if (!page) return;
  if (!releaseIfEmpty(page)) freePage(page);
  const q = allocPage(mem, GFP_KERNEL);
  if (!q) return;
  const gone = releaseIfEmpty(q);
  if (gone) return;
  readRaw(q, new Uint8Array(1), 0);
  freePage(q);
}
