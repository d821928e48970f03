// A zswap-like compressed pool: one kmem_cache of entries, kept in a tree keyed by swap offset.
import { kmemCacheCreate, kmemCacheAlloc, kmemCacheFree, kmemCacheDestroy, writeRaw, readRaw, GFP_KERNEL, type Memory, type KmemCache, type SlabObject } from 'memdesc';

export type ZEntry = SlabObject<'zswap_entry'>;

export class ZPool {
  readonly cache: KmemCache<'zswap_entry'>;
  readonly tree = new Map<number, ZEntry>();
  constructor(readonly mem: Memory) {
    this.cache = kmemCacheCreate(mem, 'zswap_entry', 128);
  }
  allocEntry(): ZEntry | null {
    return kmemCacheAlloc(this.mem, this.cache, GFP_KERNEL);
  }
  freeEntry(e: ZEntry): void {
    kmemCacheFree(this.cache, e);
  }
  /** Stores e under offset; the tree owns it from now on. */
  store(offset: number, e: ZEntry): void {
    const old = this.tree.get(offset);
    if (old !== undefined) kmemCacheFree(this.cache, old);
    this.tree.set(offset, e);
  }
  invalidate(offset: number): void {
    const e = this.tree.get(offset);
    if (e === undefined) return;
    this.tree.delete(offset);
    kmemCacheFree(this.cache, e);
  }
  destroy(): void {
    for (const e of this.tree.values()) kmemCacheFree(this.cache, e);
    this.tree.clear();
    kmemCacheDestroy(this.cache);
  }
}

export function compressInto(e: ZEntry, data: Uint8Array): void {
  writeRaw(e, data.subarray(0, 128), 0);
}

export function decompress(e: ZEntry): Uint8Array {
  const out = new Uint8Array(128);
  readRaw(e, out, 0);
  return out;
}
