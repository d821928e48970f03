import { allocPage, kmalloc, kfree, writeRaw, GFP_KERNEL, type Memory } from 'memdesc';

function fill(mem: Memory): number {
  using page = allocPage(mem, GFP_KERNEL);
  if (!page) return 0;
  writeRaw(page, new Uint8Array([1, 2]), 0);
  return 2;
}

export function run(mem: Memory): void {
  for (let i = 0; i < 3; i++) fill(mem);
  const p = kmalloc(mem, 64, GFP_KERNEL);
  if (p) kfree(p);
}
