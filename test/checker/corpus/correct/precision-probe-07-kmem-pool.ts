import { kmemCacheCreate, kmemCacheAlloc, kmemCacheFree, kmemCacheDestroy, writeRaw, GFP_KERNEL, type Memory, type SlabObject, type KmemCache } from 'memdesc';

class ReqPool {
  private readonly cache: KmemCache<'p07_req'>;
  private readonly live = new Set<SlabObject<'p07_req'>>();
  constructor(mem: Memory) {
    this.cache = kmemCacheCreate(mem, 'p07_req', 128);
  }
  get(mem: Memory): SlabObject<'p07_req'> | null {
    const o = kmemCacheAlloc(mem, this.cache, GFP_KERNEL);
    if (o === null) return null;
    this.live.add(o);
    return o;
  }
  put(o: SlabObject<'p07_req'>): void {
    if (!this.live.delete(o)) return;
    kmemCacheFree(this.cache, o);
  }
  destroy(): void {
    for (const o of this.live) kmemCacheFree(this.cache, o);
    this.live.clear();
    kmemCacheDestroy(this.cache);
  }
}

export function run(mem: Memory): void {
  const pool = new ReqPool(mem);
  const a = pool.get(mem);
  const b = pool.get(mem);
  if (a) writeRaw(a, new Uint8Array([1]), 0);
  if (a) pool.put(a);
  void b;
  pool.destroy();
}
