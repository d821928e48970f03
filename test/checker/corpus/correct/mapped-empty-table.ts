/** A page-table scan maps each PTE table to find the empty ones, and frees them (helper in another module) after the unmap. */
import { ptdescPage, withPageMapped, type Memory } from 'memdesc';
import { PageTable, freeTable, writeEntry } from '../lib/pgtable.js';

export function run(mem: Memory): void {
  const pt = new PageTable(mem);
  pt.map(1, 10);
  pt.map(513, 11);
  pt.unmap(513); // the second PTE table is empty now
  for (const [i, table] of pt.ptes) {
    const empty = withPageMapped(ptdescPage(table), (view) => view.every((b) => b === 0));
    if (empty) {
      writeEntry(pt.root, i, 0);
      pt.ptes.delete(i);
      freeTable(table);
    }
  }
  pt.destroy();
}
