/**
 * A walker follows a root entry to its leaf by pfn (a borrow), reads it, and never frees what it borrowed.
 *
 * Kernel: iommu_iova_to_phys() walks tables without taking ownership of any.
 * Protocol: pagePtdesc(pfnToPage()) gives a borrow of the next-level table; the walker
 * reads through it and never frees it: the page table owns its tables.
 */
import { pagePtdesc, pfnToPage, pageToPfn, ptdescPage, type Memory } from 'memdesc';
import { IoPgtable, readSlot } from '../lib/iommu-pt.js';

export function run(mem: Memory): void {
  const pt = IoPgtable.create(mem);
  if (pt === null) return;
  pt.map(42, 0x77);
  const leaf = pt.leafOf(42);
  if (leaf !== undefined) {
    const view = pagePtdesc(pfnToPage(mem, pageToPfn(ptdescPage(leaf))));
    if (view === null) throw new Error('not a page table');
    if (readSlot(view, 42) !== 0x78) throw new Error('entry lost');
  }
  pt.destroy();
}
