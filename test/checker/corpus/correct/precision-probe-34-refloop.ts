import { folioAlloc, folioGet, folioPut, folioRefCount, GFP_KERNEL, type Memory, type ARef, type Folio } from 'memdesc';

export function run(mem: Memory): void {
  const f = folioAlloc(mem, GFP_KERNEL, 0);
  if (!f) return;
  const readers: ARef<Folio<0>>[] = [];
  for (let i = 0; i < 4; i++) readers.push(folioGet(f));
  folioRefCount(f);
  while (readers.length > 0) {
    const r = readers.pop()!;
    folioPut(r);
  }
  folioRefCount(f);
  folioPut(f);
}
