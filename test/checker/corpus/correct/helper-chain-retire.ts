/** Two levels of helpers: `retire()` calls `releaseSlot()`, which frees the slot's page; the caller reads the page through an alias before. */
import { allocPage, GFP_KERNEL, type Memory } from 'memdesc';
import { checksumPage, releasePage, fillPage, type DataPage } from '../lib/pages.js';

interface Slot {
  page: DataPage | null;
  busy: boolean;
}

function releaseSlot(slot: Slot): void {
  const page = slot.page;
  slot.page = null;
  if (page !== null) releasePage(page);
}

function retire(slots: Slot[], i: number): void {
  const slot = slots[i];
  if (slot === undefined) return;
  slot.busy = false;
  releaseSlot(slot);
}

export function run(mem: Memory): void {
  const slots: Slot[] = [{ page: allocPage(mem, GFP_KERNEL), busy: true }];
  const page = slots[0]?.page;
  if (page === null || page === undefined) return;
  fillPage(page, 0xab, 32);
  console.assert(checksumPage(page, 32) !== 0);
  retire(slots, 0);
}
