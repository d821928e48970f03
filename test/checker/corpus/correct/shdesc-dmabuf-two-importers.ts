/** Each importer struct holds its own dma-buf reference, and each puts it. */
import { memdescPut, type ARef, type Memory } from 'memdesc';
import { allocDmaBuf, exportDmaBuf, importDmaBuf, retireDmaBuf, type DmaBuf } from '../lib/shdesc.js';

interface Importer {
  readonly name: string;
  buf: ARef<DmaBuf> | null;
}

function detach(imp: Importer): void {
  if (imp.buf !== null) memdescPut(imp.buf);
  imp.buf = null;
}

export function run(mem: Memory): void {
  const owned = allocDmaBuf(mem);
  if (owned === null) return;
  const shared = exportDmaBuf(owned);
  const v4l2: Importer = { name: 'v4l2', buf: importDmaBuf(shared) };
  const drm: Importer = { name: 'drm', buf: importDmaBuf(shared) };
  detach(v4l2);
  detach(drm);
  retireDmaBuf(shared);
}
