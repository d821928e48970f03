/** Memdesc types the subsystems share: dma-buf-like exports, net page-pool buffers, block metadata. */
import { defineMemdesc, memdescAlloc, memdescFree, memdescGet, memdescPut, intoShared, tryFromShared, memdescAddress, readRaw, writeRaw, GFP_KERNEL, type ARef, type InstanceOf, type Memory, type Owned, type Live } from 'memdesc';

/** A dma-buf: owned by its exporter until shared, then counted (Ownable + RefCounted). */
export const DmaBufDesc = defineMemdesc({ name: 'toy_dmabuf', ownable: true, refcounted: true });
export type DmaBuf = InstanceOf<typeof DmaBufDesc>;

/** A net page-pool buffer: counted from the start (RefCounted, not from a borrow). */
export const NetmemDesc = defineMemdesc({ name: 'toy_netmem', refcounted: true });
export type Netmem = InstanceOf<typeof NetmemDesc>;

/** Block-layer integrity metadata: one owner (Ownable). */
export const BlkMetaDesc = defineMemdesc({ name: 'toy_blk_meta', ownable: true });
export type BlkMeta = InstanceOf<typeof BlkMetaDesc>;

/** A shared-memory segment anyone holding a view may count (AlwaysRefCounted). */
export const ShmSegDesc = defineMemdesc({ name: 'toy_shm_seg', alwaysRefCounted: true });
export type ShmSeg = InstanceOf<typeof ShmSegDesc>;

export function allocDmaBuf(mem: Memory): Owned<DmaBuf> | null {
  return memdescAlloc(mem, DmaBufDesc, GFP_KERNEL);
}

/** dma_buf_export(): the exporter's Owned handle becomes the first shared reference. */
export function exportDmaBuf(owned: Owned<DmaBuf> & Live): ARef<DmaBuf> {
  return intoShared(owned);
}

/** dma_buf_get() by an importer: one more reference. */
export function importDmaBuf(ref: ARef<DmaBuf> & Live): ARef<DmaBuf> {
  return memdescGet(ref);
}

/** dma_buf_put() of the last expected reference: takes it back and frees, or just puts. */
export function retireDmaBuf(ref: ARef<DmaBuf> & Live): boolean {
  const back = tryFromShared(ref);
  if (back.unique) {
    memdescFree(back);
    return true;
  }
  memdescPut(back);
  return false;
}

/** Writes a tag into a memdesc's first bytes. */
export function stampDmaBuf(buf: DmaBuf & Live, tag: number): void {
  writeRaw(memdescAddress(buf), new Uint8Array([tag]), 0);
}

export function readDmaBufTag(buf: DmaBuf & Live): number {
  const b = new Uint8Array(1);
  readRaw(memdescAddress(buf), b, 0);
  return b[0]!;
}

export function allocNetmem(mem: Memory): ARef<Netmem> | null {
  return memdescAlloc(mem, NetmemDesc, GFP_KERNEL);
}

export function allocBlkMeta(mem: Memory): Owned<BlkMeta> | null {
  return memdescAlloc(mem, BlkMetaDesc, GFP_KERNEL);
}

/** bio_integrity_free(). */
export function freeBlkMeta(meta: Owned<BlkMeta> & Live): void {
  memdescFree(meta);
}

/** page_pool_put_netmem(). */
export function putNetmem(ref: ARef<Netmem> & Live): void {
  memdescPut(ref);
}
