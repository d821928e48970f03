// The collector walks the working set, maps each page, copies it into the dump image and
// returns the page to the allocator as soon as it is captured, so the dump does not double
// the task's footprint.
// Bug: the page is returned from inside the kmap callback, while it is still mapped.
import { freePage, withPageMapped, type Memory } from 'memdesc';
import { DumpImage, workingSet, pfnOf, type DumpPage } from '../lib/crashdump.js';

function retire(p: DumpPage): void {
  freePage(p); // expect-also: free-while-mapped
}

function collect(pages: DumpPage[], image: DumpImage): void {
  while (pages.length > 0 && !image.full) {
    const p = pages.shift();
    if (p === undefined) break;
    const pfn = pfnOf(p);
    withPageMapped(p, (view) => {
      image.add(pfn, view, 64);
      retire(p); // expect: free-while-mapped
    });
  }
}

export function run(mem: Memory): void {
  const pages = workingSet(mem, 3);
  const image = new DumpImage(8);
  collect(pages, image);
  for (const p of pages) freePage(p);
}
