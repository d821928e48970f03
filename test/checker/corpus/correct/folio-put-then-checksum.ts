/** A folio passed to a helper typed `ARef<Folio>` while the caller still holds its reference. */
import { folioAlloc, folioPut, GFP_KERNEL, type Memory } from 'memdesc';
import { fillFolio, folioChecksum } from '../lib/folios.js';

export function run(mem: Memory): void {
  const folio = folioAlloc(mem, GFP_KERNEL, 1);
  if (folio === null) return;
  fillFolio(folio, new Uint8Array([9, 8, 7]));
  const sum = folioChecksum(folio);
  folioPut(folio);
  console.assert(sum !== 0);
}
