/** The last reference to a folio is dropped (helper in another module) while its first page is mapped. */
import { folioAlloc, folioPage, withPageMapped, GFP_KERNEL, type Memory } from 'memdesc';
import { dropFolio, fillFolio } from '../lib/folios.js';

export function run(mem: Memory): void {
  const folio = folioAlloc(mem, GFP_KERNEL, 0);
  if (folio === null) return;
  fillFolio(folio, new Uint8Array([42]));
  let first = 0;
  withPageMapped(folioPage(folio, 0), (view) => {
    first = view[0]!;
    dropFolio(folio); // expect: free-while-mapped
  });
  console.assert(first === 42);
}
