/** A helper in another module puts the extra reference; the caller puts its own. */
import { folioAlloc, folioGet, folioPut, GFP_KERNEL, type Memory } from 'memdesc';
import { dropFolio, folioChecksum } from '../lib/folios.js';

export function run(mem: Memory): void {
  const folio = folioAlloc(mem, GFP_KERNEL, 0);
  if (folio === null) return;
  const extra = folioGet(folio); // a reference for the reader
  folioChecksum(extra);
  dropFolio(extra);
  folioPut(folio);
}
