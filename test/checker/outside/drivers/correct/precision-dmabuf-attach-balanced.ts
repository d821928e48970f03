// Refcount get/put balanced across helpers and a Set of attachments; the last holder
// takes ownership back with tryFromShared and frees, or puts when it is not unique.
import { tryFromShared, memdescFree, memdescPut, memdescGet, type Memory } from 'memdesc';
import { dmaBufCreate, dmaBufFill, dmaBufExport, dmaBufAttach, dmaBufDetach, type Attachment, type DmaBufRef } from '../lib/dmabuf.js';

function attachAll(buf: DmaBufRef, devs: string[], into: Set<Attachment>): void {
  for (const dev of devs) into.add(dmaBufAttach(buf, dev));
}

function detachWhere(set: Set<Attachment>, pred: (a: Attachment) => boolean): void {
  for (const att of [...set]) {
    if (!pred(att)) continue;
    set.delete(att);
    dmaBufDetach(att);
  }
}

function release(ref: DmaBufRef): boolean {
  const r = tryFromShared(ref);
  if (r.unique) {
    memdescFree(r);
    return true;
  }
  memdescPut(r);
  return false;
}

export function run(mem: Memory): number {
  const buf = dmaBufCreate(mem);
  if (!buf) return -12;
  dmaBufFill(buf, 3);
  const exported = dmaBufExport(buf);
  const atts = new Set<Attachment>();
  attachAll(exported, ['gpu0', 'gpu1', 'venc0'], atts);
  detachWhere(atts, (a) => a.dev.startsWith('gpu'));
  const extra = memdescGet(exported);
  const freedEarly = release(extra); // not unique: a put
  detachWhere(atts, () => true);
  const freed = release(exported); // unique now: freed
  return (freedEarly ? 0 : 1) + (freed ? 1 : 0);
}
