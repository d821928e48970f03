import { allocPagesBulk, freePage, writeRaw, GFP_KERNEL, type Memory, type Owned, type Page } from 'memdesc';

export function run(mem: Memory): void {
  const pages: (Owned<Page<0>> | null)[] = new Array(8).fill(null);
  const n = allocPagesBulk(mem, GFP_KERNEL, 8, pages);
  for (let i = 0; i < n; i++) {
    const p = pages[i];
    if (p) writeRaw(p, new Uint8Array([i]), 0);
  }
  for (const p of pages) if (p) freePage(p);
}
