/** A Set of folio references under writeback: accounting walks the Set, then completion puts them all and empties it. */
import { folioAlloc, folioNrPages, folioPut, GFP_KERNEL, type ARef, type Folio, type Memory } from 'memdesc';

export function run(mem: Memory): void {
  const writeback = new Set<ARef<Folio>>();
  for (let order = 0; order < 3; order++) {
    const folio = folioAlloc(mem, GFP_KERNEL, order);
    if (folio !== null) writeback.add(folio);
  }
  let pages = 0;
  for (const folio of writeback) pages += folioNrPages(folio);
  // end_page_writeback() for every folio
  for (const folio of writeback) folioPut(folio);
  writeback.clear();
  console.assert(pages === 7);
}
