/** A page is given back and a fresh one put into the slot; the slot's reader uses the fresh page. */
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
  slot.page = allocPage(mem, GFP_KERNEL);
  if (slot.page !== null) {
    writeHeader(slot.page, 11, 0);
    console.assert(readHeader(slot.page).seq === 11);
    freePage(slot.page);
  }
  slot.page = null;
}
