/** A region's PTE table is freed together with its root entry and Map entry; the next walk finds nothing mapped. */
import { type Memory } from 'memdesc';
import { PageTable, freeTable, writeEntry } from '../lib/pgtable.js';

export function run(mem: Memory): void {
  const pt = new PageTable(mem);
  pt.map(3, 42);
  pt.map(700, 43);
  const table = pt.ptes.get(1);
  if (table !== undefined) freeTable(table);
  writeEntry(pt.root, 1, 0);
  pt.ptes.delete(1);
  const pfn = pt.walk(700);
  console.assert(pfn === null);
  pt.destroy();
}
