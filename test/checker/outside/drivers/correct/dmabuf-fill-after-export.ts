// dma-buf exporter: allocate, publish, attach two importers, tear down.
import { memdescPut, type Memory } from 'memdesc';
import { dmaBufCreate, dmaBufFill, dmaBufExport, dmaBufAttach, dmaBufDetach, type Attachment } from '../lib/dmabuf.js';

export function run(mem: Memory): void {
  const buf = dmaBufCreate(mem);
  if (!buf) return;
  dmaBufFill(buf, 0x5a);
  const exported = dmaBufExport(buf);
  const atts: Attachment[] = [];
  for (const dev of ['gpu0', 'vpu0']) atts.push(dmaBufAttach(exported, dev));
  for (const att of atts.splice(0)) dmaBufDetach(att);
  memdescPut(exported);
}
