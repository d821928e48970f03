// A DMA-BUF heap's shared buffer memdesc: owned by the exporter while it fills it, then shared
// (counted) between importers; the last importer can take it back as owned to recycle it.
import {
  defineMemdesc, memdescAlloc, memdescFree, memdescPut, memdescGet, memdescPage,
  intoShared, tryFromShared, writeRaw, readRaw,
  GFP_KERNEL, type Memory, type ARef, type Owned, type InstanceOf,
} from 'memdesc';

export const HeapBuf = defineMemdesc({ name: 'heap_buf', ownable: true, refcounted: true });
export type HeapBufDesc = InstanceOf<typeof HeapBuf>;
export type OwnedBuf = Owned<HeapBufDesc>;
export type SharedBuf = ARef<HeapBufDesc>;

export function allocHeapBuf(mem: Memory, fill: number): OwnedBuf | null {
  const b = memdescAlloc(mem, HeapBuf, GFP_KERNEL);
  if (b === null) return null;
  writeRaw(memdescPage(b, 0), new Uint8Array([fill]), 0);
  return b;
}

export function share(b: OwnedBuf): SharedBuf {
  return intoShared(b);
}

export function getRef(b: SharedBuf): SharedBuf {
  return memdescGet(b);
}

export function dropRef(b: SharedBuf): void {
  memdescPut(b);
}

export function firstByte(b: SharedBuf | OwnedBuf): number {
  const out = new Uint8Array(1);
  readRaw(memdescPage(b, 0), out, 0);
  return out[0] ?? 0;
}

/** Drop the last user: take it back and free it, or put the reference if others remain. */
export function reclaimBuf(b: SharedBuf): boolean {
  const back = tryFromShared(b);
  if (back.unique) {
    memdescFree(back);
    return true;
  }
  memdescPut(back);
  return false;
}
