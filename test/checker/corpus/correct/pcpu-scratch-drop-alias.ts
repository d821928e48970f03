/**
 * CPU hot-unplug takes the scratch page out of the slot, then frees it; scratchDrop() finds nothing.
 *
 * Kernel: CPU hot-unplug callbacks (cpuhp) free the dying CPU's scratch page.
 * Protocol: the slot owns its page; a page taken out of the slot is cleared from it
 * before it is freed, so scratchDrop() and teardown() see an empty slot.
 */
import { freePage, type Memory } from 'memdesc';
import { PcpuScratch, scratchDrop, scratchFill } from '../lib/percpu.js';

export function run(mem: Memory): void {
  const sc = new PcpuScratch(mem);
  const slot = sc.slot(2);
  if (!scratchFill(mem, slot)) {
    sc.teardown();
    return;
  }
  const p = slot.page;
  slot.page = null;
  if (p !== null) freePage(p);
  scratchDrop(slot);
  sc.teardown();
}
