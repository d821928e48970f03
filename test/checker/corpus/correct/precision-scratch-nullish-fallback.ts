/**
 * The CPU's scratch page or, when the slot is empty, a temporary one: each handle checked and freed by its owner.
 *
 * Kernel: a per-CPU scratch page with a temporary fallback when the slot is empty.
 * Protocol: the slot's page belongs to the slot, the temporary to this function;
 * `??` picks one to use, and only the temporary is freed here.
 */
import { allocPage, freePage, writeRaw, GFP_KERNEL, type Memory } from 'memdesc';
import { PcpuScratch, scratchFill } from '../lib/percpu.js';

export function run(mem: Memory): void {
  const sc = new PcpuScratch(mem);
  scratchFill(mem, sc.slot(0));
  for (const cpu of [0, 1]) {
    const slot = sc.slot(cpu);
    const temp = slot.page === null ? allocPage(mem, GFP_KERNEL) : null;
    const buf = slot.page ?? temp;
    if (buf === null) continue;
    writeRaw(buf, new Uint8Array([cpu]), 0);
    if (temp !== null) freePage(temp); // only the temporary is ours to free
  }
  sc.teardown();
}
