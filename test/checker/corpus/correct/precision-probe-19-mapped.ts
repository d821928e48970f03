import { allocPage, freePage, withPageMapped, folioAlloc, folioPut, folioPage, GFP_KERNEL, type Memory, type Owned, type Page } from 'memdesc';

function checksum(page: Owned<Page<0>>): number {
  return withPageMapped(page, (view) => view.reduce((a, b) => a + b, 0));
}

export function run(mem: Memory): void {
  const page = allocPage(mem, GFP_KERNEL);
  if (!page) return;
  const sum = withPageMapped(page, (v) => {
    v[0] = 1;
    return v[0];
  });
  checksum(page);
  freePage(page);
  const f = folioAlloc(mem, GFP_KERNEL, 2);
  if (!f) return;
  const total = withPageMapped(folioPage(f, 1), (v) => v.length + sum);
  void total;
  folioPut(f);
}
