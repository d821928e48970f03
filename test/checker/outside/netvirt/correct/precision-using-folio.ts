import { folioAlloc, folioGet, folioPut, folioRefCount, allocPage, readRaw, GFP_KERNEL, type Memory } from 'memdesc';

/** `using` puts and frees at the end of the scope; an early return does not leak. */
function probe(mem: Memory, bail: boolean): number {
  using folio = folioAlloc(mem, GFP_KERNEL, 1);
  using scratch = allocPage(mem, GFP_KERNEL);
  if (folio === null || scratch === null || bail) return -1;
  const extra = folioGet(folio);
  const n = folioRefCount(folio);
  folioPut(extra);
  readRaw(scratch, new Uint8Array(1), 0);
  return n;
}

export function run(mem: Memory): void {
  if (probe(mem, false) !== 2) throw new Error('refs');
  probe(mem, true);
}
