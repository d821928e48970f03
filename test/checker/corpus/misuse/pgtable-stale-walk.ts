/** A region's PTE table is freed but its root entry and Map entry stay; the next walk reads the freed table. */
import { type Memory } from 'memdesc';
import { PageTable, freeTable, writeEntry } from '../lib/pgtable.js';

export function run(mem: Memory): void {
  const pt = new PageTable(mem);
  pt.map(3, 42);
  pt.map(700, 43);
  const table = pt.ptes.get(1);
  if (table !== undefined) freeTable(table);
  const pfn = pt.walk(700); // expect: use-after-free
  console.assert(pfn === null);
  writeEntry(pt.root, 1, 0);
  pt.ptes.delete(1);
  pt.destroy();
}
