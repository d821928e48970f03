/** `freeEmpty` frees the empty PTE tables, clears their root entries and drops them from the Map; `destroy()` frees the rest. */
import { type Memory } from 'memdesc';
import { PageTable, freeTable, tableEmpty, writeEntry } from '../lib/pgtable.js';

function freeEmpty(pt: PageTable): void {
  for (const [i, table] of pt.ptes) {
    if (tableEmpty(table)) {
      writeEntry(pt.root, i, 0);
      pt.ptes.delete(i);
      freeTable(table);
    }
  }
}

export function run(mem: Memory): void {
  const pt = new PageTable(mem);
  pt.map(2, 20);
  pt.map(1030, 21);
  pt.unmap(1030);
  freeEmpty(pt);
  pt.destroy();
}
