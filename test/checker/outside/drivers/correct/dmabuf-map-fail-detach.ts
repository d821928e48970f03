// dma-buf import: attach, map for the device; a mapping failure detaches in the error path.
import { memdescPut, type Memory } from 'memdesc';
import { dmaBufCreate, dmaBufFill, dmaBufExport, dmaBufAttach, dmaBufDetach, type Attachment } from '../lib/dmabuf.js';

function mapAttachment(att: Attachment): number {
  if (att.dev.startsWith('iommu-less')) throw new Error('-EINVAL: no IOMMU domain');
  return 0x1000;
}

export function run(mem: Memory): number {
  const buf = dmaBufCreate(mem);
  if (!buf) return -12;
  dmaBufFill(buf, 0xee);
  const exported = dmaBufExport(buf);
  const att = dmaBufAttach(exported, 'iommu-less-dsp');
  let ret = 0;
  try {
    ret = mapAttachment(att);
  } catch {
    ret = -22;
  } finally {
    dmaBufDetach(att);
  }
  memdescPut(exported);
  return ret;
}
