/**
 * get_cpu_scratch(): an empty slot is filled with the GFP_KERNEL helper while the scratch lock is held.
 *
 * Kernel: get_cpu_scratch() runs with the scratch spinlock held (preemption off).
 * Protocol: scratchFill(mem) allocates with GFP_KERNEL and belongs to process context;
 * under the lock an empty slot is filled with scratchFillAtomic(ctx).
 * PcpuScratch.teardown() frees every CPU's page at module exit.
 */
import { withSpinLock, writeRaw, type Memory } from 'memdesc';
import { PcpuScratch, scratchFill } from '../lib/percpu.js';

export function run(mem: Memory): void {
  const sc = new PcpuScratch(mem);
  const slot = sc.slot(0);
  withSpinLock(sc.lock, () => {
    if (!scratchFill(mem, slot)) return; // expect: sleep-in-atomic
    if (slot.page !== null) writeRaw(slot.page, new Uint8Array([0xde, 0xad]), 0);
  });
  sc.teardown();
}
