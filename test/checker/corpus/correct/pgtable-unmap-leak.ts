/** Unmapping a whole 2 MiB region clears the root entry, frees the PTE table and drops it from the Map. */
import { type Memory } from 'memdesc';
import { PageTable, freeTable, writeEntry } from '../lib/pgtable.js';

export function run(mem: Memory): void {
  const pt = new PageTable(mem);
  pt.map(5, 100);
  pt.map(600, 101);
  console.assert(pt.walk(600) === 101);
  // munmap() of the second region: no PTE left in it
  pt.unmap(600);
  writeEntry(pt.root, 1, 0);
  const table = pt.ptes.get(1);
  if (table !== undefined) freeTable(table);
  pt.ptes.delete(1);
  console.assert(pt.walk(600) === null);
  pt.destroy();
}
