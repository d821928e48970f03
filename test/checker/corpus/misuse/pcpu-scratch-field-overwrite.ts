/**
 * CPU online re-initialises its scratch slot: the field is overwritten while it still holds a page.
 *
 * Kernel: cpuhp online callbacks allocate per-CPU state; offline/online may race.
 * Protocol: the slot's field owns its page: it may be assigned only when empty,
 * or after the page it held was freed.
 */
import { allocPage, GFP_KERNEL, type Memory } from 'memdesc';
import { PcpuScratch, scratchFill, type CpuScratch } from '../lib/percpu.js';

function cpuOnline(mem: Memory, s: CpuScratch): void {
  s.page = allocPage(mem, GFP_KERNEL); // expect-also: leak
}

export function run(mem: Memory): void {
  const sc = new PcpuScratch(mem);
  const slot = sc.slot(3);
  scratchFill(mem, slot); // expect: leak
  cpuOnline(mem, slot); // cpu 3 bounced offline and online
  sc.teardown();
}
