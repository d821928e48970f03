import { folioAlloc, folioPut, folioPage, getPage, putPage, pageFolio, folioRefCount, GFP_KERNEL, type Memory } from 'memdesc';

export function run(mem: Memory): void {
  const f = folioAlloc(mem, GFP_KERNEL, 1);
  if (!f) return;
  const page = folioPage(f, 1);
  const ref = getPage(page);
  folioPut(f);
  const back = pageFolio(page);
  if (back) folioRefCount(back);
  putPage(ref);
}
