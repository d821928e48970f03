/** The last reference to a folio is dropped (helper in another module) after its first page was unmapped. */
import { folioAlloc, folioPage, withPageMapped, GFP_KERNEL, type Memory } from 'memdesc';
import { dropFolio, fillFolio } from '../lib/folios.js';

export function run(mem: Memory): void {
  const folio = folioAlloc(mem, GFP_KERNEL, 0);
  if (folio === null) return;
  fillFolio(folio, new Uint8Array([42]));
  let first = 0;
  withPageMapped(folioPage(folio, 0), (view) => {
    first = view[0]!;
  });
  dropFolio(folio);
  console.assert(first === 42);
}
