/**
 * A zram-like compressed store: each slot's "compressed" data lives in a kmem_cache object of
 * its size class, with a kmalloc'd metadata record beside it.
 */
import {
  kmemCacheCreate, kmemCacheAlloc, kmemCacheFree, kmemCacheDestroy, kmalloc, kfree, writeRaw, readRaw,
  GFP_KERNEL, GFP_NOWAIT,
  type Memory, type KmemCache, type SlabObject, type KmallocPtr,
} from 'memdesc';

export type ZClass = 'zram-64' | 'zram-256' | 'zram-1024';

export interface ZEntry {
  readonly cls: ZClass;
  obj: SlabObject<ZClass>;
  meta: KmallocPtr;
  len: number;
}

export class ZramStore {
  private readonly caches: Map<ZClass, KmemCache<ZClass>>;
  private readonly table = new Map<number, ZEntry>();

  constructor(private readonly mem: Memory) {
    this.caches = new Map<ZClass, KmemCache<ZClass>>([
      ['zram-64', kmemCacheCreate(mem, 'zram-64', 64)],
      ['zram-256', kmemCacheCreate(mem, 'zram-256', 256)],
      ['zram-1024', kmemCacheCreate(mem, 'zram-1024', 1024)],
    ]);
  }

  static classFor(len: number): ZClass | null {
    return len <= 64 ? 'zram-64' : len <= 256 ? 'zram-256' : len <= 1024 ? 'zram-1024' : null;
  }

  cache(cls: ZClass): KmemCache<ZClass> {
    return this.caches.get(cls)!;
  }

  /** Allocates an entry for len bytes (not in the table). Null when too big or out of memory. */
  allocEntry(len: number, atomic = false): ZEntry | null {
    const cls = ZramStore.classFor(len);
    if (cls === null) return null;
    const cache = this.cache(cls);
    const obj = atomic ? kmemCacheAlloc(this.mem, cache, GFP_NOWAIT) : kmemCacheAlloc(this.mem, cache, GFP_KERNEL);
    if (obj === null) return null;
    const meta = kmalloc(this.mem, 32, GFP_KERNEL);
    if (meta === null) {
      kmemCacheFree(cache, obj);
      return null;
    }
    return { cls, obj, meta, len };
  }

  /** Frees an entry that is not (or no longer) in the table. */
  releaseEntry(e: ZEntry): void {
    kmemCacheFree(this.cache(e.cls), e.obj);
    kfree(e.meta);
  }

  /** Stores data in a slot; replaces (and frees) an old entry. */
  store(slot: number, data: Uint8Array): boolean {
    const e = this.allocEntry(data.length);
    if (e === null) return false;
    writeRaw(e.obj, data, 0);
    writeRaw(e.meta, new Uint8Array([data.length & 0xff, slot & 0xff]), 0);
    const old = this.table.get(slot);
    if (old) this.releaseEntry(old);
    this.table.set(slot, e);
    return true;
  }

  /** Installs a caller-built entry: the table owns it now. */
  install(slot: number, e: ZEntry): void {
    const old = this.table.get(slot);
    if (old) this.releaseEntry(old);
    this.table.set(slot, e);
  }

  load(slot: number, dst: Uint8Array): boolean {
    const e = this.table.get(slot);
    if (!e) return false;
    readRaw(e.obj, dst.subarray(0, Math.min(dst.length, e.len)), 0);
    return true;
  }

  /** The table's entry, still owned by the table. */
  lookup(slot: number): ZEntry | undefined {
    return this.table.get(slot);
  }

  /** Removes a slot and hands its entry to the caller, who must releaseEntry() it. */
  take(slot: number): ZEntry | undefined {
    const e = this.table.get(slot);
    if (e) this.table.delete(slot);
    return e;
  }

  /** Frees a slot if present. Returns whether something was freed. */
  discard(slot: number): boolean {
    const e = this.take(slot);
    if (!e) return false;
    this.releaseEntry(e);
    return true;
  }

  slots(): number[] {
    return [...this.table.keys()];
  }

  destroy(): void {
    for (const s of this.slots()) this.discard(s);
    for (const c of this.caches.values()) kmemCacheDestroy(c);
    this.caches.clear();
  }
}
