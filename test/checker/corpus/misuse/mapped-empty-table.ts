/** A page-table scan maps each PTE table and frees the empty ones (helper in another module) while they are still mapped. */
import { ptdescPage, withPageMapped, type Memory } from 'memdesc';
import { PageTable, freeTable, writeEntry } from '../lib/pgtable.js';

export function run(mem: Memory): void {
  const pt = new PageTable(mem);
  pt.map(1, 10);
  pt.map(513, 11);
  pt.unmap(513); // the second PTE table is empty now
  for (const [i, table] of pt.ptes) {
    withPageMapped(ptdescPage(table), (view) => {
      if (view.every((b) => b === 0)) {
        writeEntry(pt.root, i, 0);
        pt.ptes.delete(i);
        freeTable(table); // expect: free-while-mapped
      }
    });
  }
  pt.destroy();
}
