/** A refill frees the slot's page before it stores a clean one. */
import { allocPage, freePage, GFP_KERNEL, type Memory } from 'memdesc';
import { fillPage, type DataPage } from '../lib/pages.js';

interface Slot {
  page: DataPage | null;
  generation: number;
}

export function run(mem: Memory): void {
  const slot: Slot = { page: allocPage(mem, GFP_KERNEL), generation: 0 };
  if (slot.page !== null) fillPage(slot.page, 1, 16);
  // refill with a clean page
  if (slot.page !== null) freePage(slot.page);
  slot.page = allocPage(mem, GFP_KERNEL);
  slot.generation++;
  if (slot.page !== null) freePage(slot.page);
  slot.page = null;
}
