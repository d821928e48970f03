import { allocPage, freePage, writeRaw, readRaw, GFP_KERNEL, type Memory, type Owned, type Page } from 'memdesc';

function withScratch<R>(mem: Memory, fn: (p: Owned<Page<0>>) => R): R | null {
  const p = allocPage(mem, GFP_KERNEL);
  if (!p) return null;
  try {
    return fn(p);
  } finally {
    freePage(p);
  }
}

export function run(mem: Memory): void {
  const n = withScratch(mem, (p) => {
    writeRaw(p, new Uint8Array([4]), 0);
    const b = new Uint8Array(1);
    readRaw(p, b, 0);
    return b[0] ?? 0;
  });
  void n;
  withScratch(mem, (p) => writeRaw(p, new Uint8Array([1]), 0));
}
