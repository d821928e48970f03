// A dma-buf exporter: the buffer is the driver's own memdesc, owned while it is filled,
// shared (refcounted) once exported; each attachment holds one reference.
import { defineMemdesc, memdescAlloc, memdescGet, memdescPut, memdescAddress, intoShared, writeRaw, GFP_KERNEL, type Memory, type AllocatedHandle, type ARef, type InstanceOf } from 'memdesc';

export const DmaBufDesc = defineMemdesc({ name: 'dma_buf', ownable: true, refcounted: true });
export type DmaBufOwned = AllocatedHandle<typeof DmaBufDesc>;
export type DmaBufRef = ARef<InstanceOf<typeof DmaBufDesc>>;

export function dmaBufCreate(mem: Memory): DmaBufOwned | null {
  return memdescAlloc(mem, DmaBufDesc, GFP_KERNEL);
}

export function dmaBufFill(buf: DmaBufOwned, byte: number): void {
  writeRaw(memdescAddress(buf), new Uint8Array(64).fill(byte), 0);
}

/** Publishes a filled buffer: consumes the owner, returns the exporter's reference. */
export function dmaBufExport(buf: DmaBufOwned): DmaBufRef {
  return intoShared(buf);
}

export interface Attachment { readonly dev: string; readonly buf: DmaBufRef }

export function dmaBufAttach(buf: DmaBufRef, dev: string): Attachment {
  return { dev, buf: memdescGet(buf) };
}

export function dmaBufDetach(att: Attachment): void {
  memdescPut(att.buf);
}
