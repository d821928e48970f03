/** A retry loop overwrites its page variable each round; only the last page is freed. */
import { allocPage, freePage, GFP_KERNEL, type Memory } from 'memdesc';
import { checksumPage, fillPage, type DataPage } from '../lib/pages.js';

export function run(mem: Memory): void {
  let page: DataPage | null = null;
  for (let attempt = 0; attempt < 3; attempt++) {
    page = allocPage(mem, GFP_KERNEL); // expect: leak
    if (page === null) continue;
    fillPage(page, attempt + 1, 16);
    if (checksumPage(page, 16) === 0) break; // never: the calibration pattern is not all zero
  }
  if (page !== null) freePage(page);
}
