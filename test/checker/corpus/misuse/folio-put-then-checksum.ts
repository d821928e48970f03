/**
 * A freed folio passed to a helper typed `ARef<Folio>`: the parameter type does not say `Live`, so
 * the compiler accepts the consumed reference.
 */
import { folioAlloc, folioPut, GFP_KERNEL, type Memory } from 'memdesc';
import { fillFolio, folioChecksum } from '../lib/folios.js';

export function run(mem: Memory): void {
  const folio = folioAlloc(mem, GFP_KERNEL, 1);
  if (folio === null) return;
  fillFolio(folio, new Uint8Array([9, 8, 7]));
  folioPut(folio);
  const sum = folioChecksum(folio); // expect: use-after-free
  console.assert(sum !== 0);
}
