import { allocPagesBulk, freePage, GFP_KERNEL, type Memory, type Owned, type Page } from 'memdesc';

export function run(mem: Memory): void {
  const pages: (Owned<Page<0>> | null)[] = Array.from({ length: 4 }, () => null);
  const n = allocPagesBulk(mem, GFP_KERNEL, 4, pages);
  for (let i = 0; i < n; i++) {
    const p = pages[i];
    if (p) freePage(p);
    pages[i] = null;
  }
}
