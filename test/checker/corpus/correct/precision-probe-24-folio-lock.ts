import { folioAlloc, folioPut, folioLock, folioUnlock, folioTrylock, folioGet, folioAddress, writeRaw, GFP_KERNEL, type Memory, type ARef, type Folio } from 'memdesc';

function fill(f: ARef<Folio<0>>, b: Uint8Array): void {
  const locked = folioLock(f);
  try {
    writeRaw(locked, b, 0);
  } finally {
    folioUnlock(locked);
  }
}

export function run(mem: Memory): void {
  const f = folioAlloc(mem, GFP_KERNEL, 0);
  if (!f) return;
  fill(f, new Uint8Array([1]));
  const t = folioTrylock(f);
  if (t) folioUnlock(t);
  const ref = folioGet(f);
  const refs = [ref];
  for (const r of refs) folioPut(r);
  folioPut(f);
}
