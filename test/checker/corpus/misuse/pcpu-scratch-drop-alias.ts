/**
 * CPU hot-unplug frees the scratch page through an alias; scratchDrop() still finds it in the slot.
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
  if (p !== null) freePage(p); // expect-also: double-free
  scratchDrop(slot); // expect: double-free
  sc.teardown();
}
