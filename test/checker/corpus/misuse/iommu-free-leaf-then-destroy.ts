/**
 * Domain teardown frees a leaf table by hand but leaves it in the table; destroy() frees it again.
 *
 * Kernel: io-pgtable frees leaf tables when their last entry is unmapped.
 * Protocol: the IoPgtable owns every table in its leaves Map; a table leaves the Map
 * and is freed only through unmap() or destroy(), never by a caller's free.
 * Tables are freed with pagetable_free(): ptdescs are Ownable, not counted.
 */
import { type Memory } from 'memdesc';
import { IoPgtable, freeTable } from '../lib/iommu-pt.js';

export function run(mem: Memory): void {
  const pt = IoPgtable.create(mem);
  if (pt === null) return;
  pt.map(5, 0x100);
  pt.map(600, 0x200);
  const leaf = pt.leafOf(600);
  if (leaf !== undefined) freeTable(leaf); // expect-also: double-free
  pt.destroy(); // expect: double-free
}
