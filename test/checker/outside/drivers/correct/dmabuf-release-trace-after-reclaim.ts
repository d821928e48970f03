// dma-buf release: the exporter takes unique ownership back to free the buffer,
// and only falls back to a put when importers still hold references.
import { tryFromShared, memdescFree, memdescPut, memdescRefCount, type Memory } from 'memdesc';
import { dmaBufCreate, dmaBufFill, dmaBufExport, dmaBufAttach, dmaBufDetach, type DmaBufRef } from '../lib/dmabuf.js';

const trace: string[] = [];

function dmaBufRelease(ref: DmaBufRef): void {
  trace.push(`release refs=${memdescRefCount(ref)}`);
  const r = tryFromShared(ref);
  if (r.unique) memdescFree(r);
  else memdescPut(r);
}

export function run(mem: Memory): void {
  const buf = dmaBufCreate(mem);
  if (!buf) return;
  dmaBufFill(buf, 1);
  const exported = dmaBufExport(buf);
  const att = dmaBufAttach(exported, 'isp0');
  dmaBufDetach(att);
  dmaBufRelease(exported);
}
