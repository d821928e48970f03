/** `using` frees at the end of the scope; a page freed by hand inside the scope is left alone, a null one is fine. */
import { allocPage, allocPages, folioAlloc, freePage, GFP_KERNEL, type Memory } from 'memdesc';
import { fillPage } from '../lib/pages.js';

export function run(mem: Memory): void {
  {
    using scratch = allocPage(mem, GFP_KERNEL);
    using block = allocPages(mem, GFP_KERNEL, 2);
    using folio = folioAlloc(mem, GFP_KERNEL, 0);
    using early = allocPage(mem, GFP_KERNEL);
    if (scratch !== null) fillPage(scratch, 1, 8);
    if (early !== null) freePage(early); // by hand: the scope's end leaves it alone
    console.assert(block !== null && folio !== null);
  }
}
