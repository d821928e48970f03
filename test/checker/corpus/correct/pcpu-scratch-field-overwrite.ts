/**
 * CPU online re-initialises its scratch slot only when the slot is empty.
 *
 * Kernel: cpuhp online callbacks allocate per-CPU state; offline/online may race.
 * Protocol: the slot's field owns its page: it may be assigned only when empty,
 * or after the page it held was freed.
 */
import { allocPage, GFP_KERNEL, type Memory } from 'memdesc';
import { PcpuScratch, scratchFill, type CpuScratch } from '../lib/percpu.js';

function cpuOnline(mem: Memory, s: CpuScratch): void {
  if (s.page === null) s.page = allocPage(mem, GFP_KERNEL);
}

export function run(mem: Memory): void {
  const sc = new PcpuScratch(mem);
  const slot = sc.slot(3);
  scratchFill(mem, slot);
  cpuOnline(mem, slot); // cpu 3 bounced offline and online
  sc.teardown();
}
