/** A slot's page is freed and the slot set to null; every later use checks the slot first. */
import { allocPage, freePage, GFP_KERNEL, type Memory } from 'memdesc';
import { checksumPage, fillPage, type DataPage } from '../lib/pages.js';

interface Slot {
  page: DataPage | null;
}

function drop(slot: Slot): void {
  if (slot.page !== null) freePage(slot.page);
  slot.page = null;
}

export function run(mem: Memory): void {
  const slots: Slot[] = [{ page: allocPage(mem, GFP_KERNEL) }, { page: allocPage(mem, GFP_KERNEL) }];
  for (const s of slots) if (s.page !== null) fillPage(s.page, 3, 8);
  drop(slots[0]!);
  let sum = 0;
  for (const s of slots) if (s.page !== null) sum += checksumPage(s.page, 8);
  for (const s of slots) drop(s);
  console.assert(sum !== 0);
}
