/**
 * A wipe callback captures the CPU's scratch page; the slot is emptied before the callback runs.
 *
 * Kernel: per-CPU scratch pages are wiped (memzero_explicit) before reuse or release.
 * Protocol: a callback that captures the slot's page is valid only while the slot
 * still owns it; scratchDrop() frees the page.
 */
import { fillZeroRaw, type Memory } from 'memdesc';
import { PcpuScratch, scratchDrop, scratchFill } from '../lib/percpu.js';

export function run(mem: Memory): void {
  const sc = new PcpuScratch(mem);
  const slot = sc.slot(1);
  if (!scratchFill(mem, slot) || slot.page === null) {
    sc.teardown();
    return;
  }
  const page = slot.page;
  const wipe = (): void => fillZeroRaw(page, 0, 256); // expect-also: use-after-free
  scratchDrop(slot); // cpu 1 goes offline
  wipe(); // expect: use-after-free
  sc.teardown();
}
