/** A kmem_cache-backed pool of request objects. */
import { kmemCacheAlloc, kmemCacheCreate, kmemCacheDestroy, kmemCacheFree, GFP_KERNEL, type KmemCache, type Memory, type SlabObject } from 'memdesc';

export class ObjPool<Name extends string> {
  readonly cache: KmemCache<Name>;
  /** Objects handed out and not released yet. */
  inUse = 0;

  constructor(
    readonly mem: Memory,
    name: Name,
    objectSize: number,
  ) {
    this.cache = kmemCacheCreate(mem, name, objectSize);
  }

  /** `kmem_cache_alloc()`: the caller owns the object until `release`. */
  alloc(): SlabObject<Name> | null {
    const obj = kmemCacheAlloc(this.mem, this.cache, GFP_KERNEL);
    if (obj !== null) this.inUse++;
    return obj;
  }

  /** `kmem_cache_free()`: consumes `obj`. */
  release(obj: SlabObject<Name>): void {
    kmemCacheFree(this.cache, obj);
    this.inUse--;
  }

  /** Module exit: `kmem_cache_destroy()` — only once every object is back. */
  destroy(): void {
    kmemCacheDestroy(this.cache);
  }
}
