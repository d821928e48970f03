/** Unmapping a whole 2 MiB region clears the root entry and drops the PTE table from the Map without freeing it. */
import { type Memory } from 'memdesc';
import { PageTable, writeEntry } from '../lib/pgtable.js';

export function run(mem: Memory): void {
  const pt = new PageTable(mem);
  pt.map(5, 100);
  pt.map(600, 101); // expect: leak
  console.assert(pt.walk(600) === 101);
  // munmap() of the second region: no PTE left in it
  pt.unmap(600);
  writeEntry(pt.root, 1, 0);
  pt.ptes.delete(1); // expect-also: leak
  console.assert(pt.walk(600) === null);
  pt.destroy();
}
