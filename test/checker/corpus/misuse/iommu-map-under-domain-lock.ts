/**
 * iommu_map() under the domain's spinlock: a missing leaf table is allocated with GFP_KERNEL.
 *
 * Kernel: iommu_map() with GFP_KERNEL allocates missing tables; domain locks are spinlocks.
 * Protocol: mappings that may need a new table are made in process context; under
 * the domain lock only mappings into existing leaves are allowed.
 */
import { spinLockInit, withSpinLock, type Memory } from 'memdesc';
import { IoPgtable } from '../lib/iommu-pt.js';

export function run(mem: Memory): void {
  const pt = IoPgtable.create(mem);
  if (pt === null) return;
  const domainLock = spinLockInit(mem, 'domain_lock');
  pt.map(10, 0x300); // the first leaf, from process context
  withSpinLock(domainLock, () => {
    pt.map(11, 0x301); // same leaf: nothing to allocate
    pt.map(2000, 0x302); // expect: sleep-in-atomic
  });
  pt.destroy();
}
