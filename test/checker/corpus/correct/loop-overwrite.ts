/** A retry loop frees the previous round's page before it allocates the next; the last one is freed after the loop. */
import { allocPage, freePage, GFP_KERNEL, type Memory } from 'memdesc';
import { checksumPage, fillPage, type DataPage } from '../lib/pages.js';

export function run(mem: Memory): void {
  let page: DataPage | null = null;
  for (let attempt = 0; attempt < 3; attempt++) {
    if (page !== null) freePage(page);
    page = allocPage(mem, GFP_KERNEL);
    if (page === null) continue;
    fillPage(page, attempt + 1, 16);
    if (checksumPage(page, 16) === 0) break; // never: the calibration pattern is not all zero
  }
  if (page !== null) freePage(page);
}
