/** Folio references taken from borrows (AlwaysRefCounted), with folio_try_get, put in another order than taken. */
import { folioAlloc, folioGet, folioPage, folioPut, folioRefCount, folioTryGet, getPage, pageFolio, putPage, GFP_KERNEL, type Memory } from 'memdesc';
import { folioChecksum } from '../lib/folios.js';

export function run(mem: Memory): void {
  const folio = folioAlloc(mem, GFP_KERNEL, 2);
  if (folio === null) return;
  const view = pageFolio(folioPage(folio, 1));
  const a = view === null ? null : folioGet(view);
  const b = folioTryGet(folio);
  const c = getPage(folioPage(folio, 3));
  console.assert(folioRefCount(folio) === 4);
  folioPut(folio); // the allocation's reference first: the others keep the folio alive
  if (b !== null) {
    folioChecksum(b);
    folioPut(b);
  }
  putPage(c);
  if (a !== null) folioPut(a); // the last put frees the folio
}
