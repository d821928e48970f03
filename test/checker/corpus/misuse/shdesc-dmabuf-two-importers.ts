/** One imported dma-buf reference is stored in two importer structs; each importer puts it. */
import { memdescPut, type ARef, type Memory } from 'memdesc';
import { allocDmaBuf, exportDmaBuf, importDmaBuf, retireDmaBuf, type DmaBuf } from '../lib/shdesc.js';

interface Importer {
  readonly name: string;
  buf: ARef<DmaBuf> | null;
}

function detach(imp: Importer): void {
  if (imp.buf !== null) memdescPut(imp.buf); // expect-also: double-free
  imp.buf = null;
}

export function run(mem: Memory): void {
  const owned = allocDmaBuf(mem);
  if (owned === null) return;
  const shared = exportDmaBuf(owned);
  const ref = importDmaBuf(shared);
  const v4l2: Importer = { name: 'v4l2', buf: ref };
  const drm: Importer = { name: 'drm', buf: ref }; // should have been its own importDmaBuf()
  detach(v4l2);
  detach(drm); // expect: double-free
  retireDmaBuf(shared);
}
