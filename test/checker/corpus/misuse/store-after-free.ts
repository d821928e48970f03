/** A page is put into a slot after it was freed; the slot's reader then uses it. */
import { allocPage, freePage, GFP_KERNEL, type Memory } from 'memdesc';
import { readHeader, writeHeader, type DataPage } from '../lib/pages.js';

interface Slot {
  page: DataPage | null;
}

export function run(mem: Memory): void {
  const slot: Slot = { page: null };
  const page = allocPage(mem, GFP_KERNEL);
  if (page === null) return;
  writeHeader(page, 11, 0);
  freePage(page); // the first attempt failed: give it back
  slot.page = page; // expect: use-after-free
  if (slot.page !== null) console.assert(readHeader(slot.page).seq === 11); // expect-also: use-after-free
  slot.page = null;
}
