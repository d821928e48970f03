/**
 * A fault handler kmaps a leaf table to decide, and unmaps the entry after the mapping is gone.
 *
 * Kernel: a fault handler kmaps a leaf table to inspect the faulting entry.
 * Protocol: unmap() may free the leaf table (pagetable_free); the decision is taken
 * inside the kmap, the unmap happens after it.
 */
import { ptdescPage, withPageMapped, type Memory } from 'memdesc';
import { IoPgtable } from '../lib/iommu-pt.js';

export function run(mem: Memory): void {
  const pt = IoPgtable.create(mem);
  if (pt === null) return;
  pt.map(700, 0x55);
  const leaf = pt.leafOf(700);
  if (leaf !== undefined) {
    const present = withPageMapped(ptdescPage(leaf), (view) => view[(700 % 512) * 4] !== 0);
    if (present) pt.unmap(700);
  }
  pt.destroy();
}
