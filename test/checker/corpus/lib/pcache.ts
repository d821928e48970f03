/** A tiny page cache: index → folio, an LRU of clean folios, a shrinker, truncation. */
import { folioAlloc, folioGet, folioPut, folioTrylock, folioUnlock, writeRaw, listLruInit, listLruAdd, listLruDel, listLruCount, listLruWalk, shrinkerAlloc, shrinkerRegister, shrinkerFree, LRU_REMOVED, LRU_SKIP, GFP_KERNEL, type ARef, type Folio, type ListLru, type LruStatus, type Memory, type Shrinker, type Live } from 'memdesc';

export interface CacheEntry {
  readonly index: number;
}

export class PageCache {
  readonly pages = new Map<number, ARef<Folio<0>>>();
  readonly lru: ListLru<CacheEntry>;
  private readonly entries = new Map<number, CacheEntry>();
  private readonly shrinker: Shrinker;
  reclaimed = 0;

  constructor(readonly mem: Memory) {
    this.lru = listLruInit<CacheEntry>(mem);
    this.shrinker = shrinkerAlloc(mem, 0, 'toy-pagecache');
    this.shrinker.countObjects = () => listLruCount(this.lru);
    this.shrinker.scanObjects = (_s, sc) => listLruWalk(this.lru, (e) => this.isolate(e), sc.nrToScan);
    shrinkerRegister(this.shrinker);
  }

  /** filemap_add_folio(): the cache takes over the caller's reference. */
  add(index: number, folio: ARef<Folio<0>> & Live): void {
    if (this.pages.has(index)) throw new Error(`index ${index} already cached`);
    this.pages.set(index, folio);
    const e = { index };
    this.entries.set(index, e);
    listLruAdd(this.lru, e);
  }

  /** Reads index in: allocates and fills a folio (may sleep), returns a new reference. */
  readPage(index: number, fill: number): ARef<Folio<0>> | null {
    const cached = this.lookup(index);
    if (cached !== null) return cached; // already up to date
    const f = folioAlloc(this.mem, GFP_KERNEL, 0);
    if (f === null) return null;
    const locked = folioTrylock(f);
    if (locked !== null) {
      writeRaw(locked, new Uint8Array([fill]), 0);
      folioUnlock(locked);
    }
    this.add(index, folioGet(f));
    return f;
  }

  /** filemap_get_folio(): a new reference the caller must put, or null. */
  lookup(index: number): ARef<Folio<0>> | null {
    const f = this.pages.get(index);
    return f === undefined ? null : folioGet(f);
  }

  /** Lends the cache's own reference (no get): valid only until the entry goes. */
  peek(index: number): ARef<Folio<0>> | null {
    return this.pages.get(index) ?? null;
  }

  /** Drops one index from the cache, putting the cache's reference. */
  evict(index: number): boolean {
    const f = this.pages.get(index);
    if (f === undefined) return false;
    this.pages.delete(index);
    const e = this.entries.get(index);
    if (e !== undefined) {
      listLruDel(this.lru, e);
      this.entries.delete(index);
    }
    folioPut(f);
    return true;
  }

  /** truncate_inode_pages_range(from, ∞). */
  truncate(from: number): number {
    let n = 0;
    for (const index of [...this.pages.keys()]) if (index >= from && this.evict(index)) n++;
    return n;
  }

  private isolate(e: CacheEntry): LruStatus {
    const f = this.pages.get(e.index);
    if (f === undefined) return LRU_SKIP;
    this.pages.delete(e.index);
    this.entries.delete(e.index);
    folioPut(f);
    this.reclaimed++;
    return LRU_REMOVED;
  }

  /** Reclaim as the shrinker would: walks the LRU oldest first. */
  shrink(n: number): number {
    return listLruWalk(this.lru, (e) => this.isolate(e), n);
  }

  destroy(): void {
    this.truncate(0);
    shrinkerFree(this.shrinker);
  }
}
