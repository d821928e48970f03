import { allocPage, freePage, writeRaw, GFP_KERNEL, type Memory, type Owned, type Page } from 'memdesc';

function validate(n: number): void {
  if (n > 100) throw new RangeError('too big');
}

function prepare(mem: Memory, n: number): Owned<Page<0>> | null {
  const page = allocPage(mem, GFP_KERNEL);
  if (!page) return null;
  try {
    validate(n);
    writeRaw(page, new Uint8Array([n]), 0);
  } catch (e) {
    freePage(page);
    throw e;
  }
  return page;
}

export function run(mem: Memory): void {
  const p = prepare(mem, 5);
  if (p) freePage(p);
  try {
    prepare(mem, 500);
  } catch {
    /* expected */
  }
}
