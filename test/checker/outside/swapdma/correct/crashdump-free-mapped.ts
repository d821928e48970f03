// The collector walks the working set, maps each page, copies it into the dump image and
// returns the page to the allocator as soon as it is captured, so the dump does not double
// the task's footprint.
// Fixed: the page is returned after the kmap callback has unmapped it.
import { freePage, withPageMapped, type Memory } from 'memdesc';
import { DumpImage, workingSet, pfnOf, type DumpPage } from '../lib/crashdump.js';

function retire(p: DumpPage): void {
  freePage(p);
}

function collect(pages: DumpPage[], image: DumpImage): void {
  while (pages.length > 0 && !image.full) {
    const p = pages.shift();
    if (p === undefined) break;
    const pfn = pfnOf(p);
    withPageMapped(p, (view) => {
      image.add(pfn, view, 64);
    });
    retire(p);
  }
}

export function run(mem: Memory): void {
  const pages = workingSet(mem, 3);
  const image = new DumpImage(8);
  collect(pages, image);
  for (const p of pages) freePage(p);
}
