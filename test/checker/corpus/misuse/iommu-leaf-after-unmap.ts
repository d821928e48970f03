/**
 * A debug dump holds the leaf table of an iova; unmapping its last entry frees that table.
 *
 * Kernel: io-pgtable-arm frees an emptied leaf table inside iommu_unmap().
 * Protocol: leafOf() lends the table; any unmap() may free it, so a dump reads the
 * leaf before unmapping, and looks it up again afterwards.
 */
import { type Memory } from 'memdesc';
import { IoPgtable, readSlot } from '../lib/iommu-pt.js';

export function run(mem: Memory): void {
  const pt = IoPgtable.create(mem);
  if (pt === null) return;
  if (!pt.map(1030, 0x4000)) {
    pt.destroy();
    return;
  }
  const leaf = pt.leafOf(1030);
  pt.unmap(1030); // the leaf is empty now: freed
  if (leaf !== undefined) readSlot(leaf, 1030 % 512); // expect: use-after-free
  pt.destroy();
}
