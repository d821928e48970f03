/** A vmalloc area's pages are walked (borrows: never freed, never counted) and the area freed once. */
import { pageToPfn, vfree, vmalloc, vmallocPageIter, vmallocToPage, withPageMapped, type Memory } from 'memdesc';

export function run(mem: Memory): void {
  const area = vmalloc(mem, 3 * 4096);
  if (area === null) return;
  const pfns: number[] = [];
  for (const page of vmallocPageIter(area)) pfns.push(pageToPfn(page));
  const first = withPageMapped(vmallocToPage(area), (view) => view[0]);
  vfree(area);
  console.assert(pfns.length === 3 && first === 0);
}
