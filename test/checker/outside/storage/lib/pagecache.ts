/**
 * A tiny page cache: one order-0 folio per file index, held by the cache's own reference.
 * Clean folios sit on a list_lru so a shrinker can evict them under memory pressure.
 */
import {
  folioAlloc, folioGet, folioPut, folioLock, folioUnlock, readRaw, writeRaw,
  listLruInit, listLruAdd, listLruDel, listLruCount, listLruWalk,
  shrinkerAlloc, shrinkerRegister, shrinkerFree,
  GFP_KERNEL, LRU_REMOVED, LRU_SKIP, SHRINK_EMPTY, PAGE_SIZE,
  type Memory, type ARef, type Folio, type ListLru, type Shrinker, type LruStatus,
} from 'memdesc';

export interface CacheEntry {
  readonly index: number;
  folio: ARef<Folio<0>>;
  dirty: boolean;
}

export class PageCache {
  private readonly entries = new Map<number, CacheEntry>();
  readonly lru: ListLru<CacheEntry>;
  private shrinker: Shrinker | null = null;
  evicted = 0;

  constructor(private readonly mem: Memory) {
    this.lru = listLruInit<CacheEntry>(mem);
  }

  get size(): number {
    return this.entries.size;
  }

  /** Registers the cache's shrinker: clean folios are dropped under pressure. */
  registerShrinker(): void {
    const s = shrinkerAlloc(this.mem, 0, 'pagecache');
    s.countObjects = () => {
      const n = listLruCount(this.lru);
      return n === 0 ? SHRINK_EMPTY : n;
    };
    s.scanObjects = (_sh, sc) => this.shrink(sc.nrToScan);
    shrinkerRegister(s);
    this.shrinker = s;
  }

  /** What the shrinker's scan does: walks up to n LRU entries and drops the clean ones. */
  shrink(n: number): number {
    return listLruWalk(this.lru, (e) => this.isolate(e), n);
  }

  private isolate(e: CacheEntry): LruStatus {
    if (e.dirty) return LRU_SKIP;
    this.entries.delete(e.index);
    folioPut(e.folio);
    this.evicted++;
    return LRU_REMOVED;
  }

  /** Inserts a folio, taking over the caller's reference. False (caller keeps it) if the index is cached. */
  add(index: number, folio: ARef<Folio<0>>): boolean {
    if (this.entries.has(index)) return false;
    const e: CacheEntry = { index, folio, dirty: false };
    this.entries.set(index, e);
    listLruAdd(this.lru, e);
    return true;
  }

  /** find_get_folio(): a new reference the caller must put, or null. */
  lookup(index: number): ARef<Folio<0>> | null {
    const e = this.entries.get(index);
    return e ? folioGet(e.folio) : null;
  }

  /** filemap_get_entry() without a reference: the cache's own folio, valid while it is cached. */
  peek(index: number): ARef<Folio<0>> | undefined {
    return this.entries.get(index)?.folio;
  }

  /** Reads the first bytes of a cached index into dst; false on a miss. */
  read(index: number, dst: Uint8Array): boolean {
    const e = this.entries.get(index);
    if (!e) return false;
    readRaw(e.folio, dst, 0);
    return true;
  }

  /** Writes data under the folio lock and marks the entry dirty (off the LRU). */
  write(index: number, data: Uint8Array): boolean {
    const e = this.entries.get(index);
    if (!e) return false;
    const locked = folioLock(e.folio);
    writeRaw(locked, data, 0);
    folioUnlock(locked);
    if (!e.dirty) {
      e.dirty = true;
      listLruDel(this.lru, e);
    }
    return true;
  }

  /** Writes a dirty folio back (locks it) and puts it back on the LRU. */
  writeback(index: number, sink: Uint8Array[]): boolean {
    const e = this.entries.get(index);
    if (!e || !e.dirty) return false;
    const locked = folioLock(e.folio);
    const buf = new Uint8Array(16);
    readRaw(locked, buf, 0);
    folioUnlock(locked);
    sink.push(buf);
    e.dirty = false;
    listLruAdd(this.lru, e);
    return true;
  }

  /** Reads ahead: fills indexes [start, start+n) that are not cached. Returns how many were added. */
  readahead(start: number, n: number): number {
    let added = 0;
    for (let i = start; i < start + n; i++) {
      if (this.entries.has(i)) continue;
      const f = folioAlloc(this.mem, GFP_KERNEL, 0);
      if (f === null) break;
      const locked = folioLock(f);
      writeRaw(locked, new Uint8Array([i & 0xff]), 0);
      folioUnlock(locked);
      this.add(i, f);
      added++;
    }
    return added;
  }

  /** Drops an index: removes it and puts the cache's reference. */
  evict(index: number): boolean {
    const e = this.entries.get(index);
    if (!e) return false;
    this.entries.delete(index);
    if (!e.dirty) listLruDel(this.lru, e);
    folioPut(e.folio);
    return true;
  }

  /** Takes an entry out of the cache: the caller now holds the cache's reference. */
  take(index: number): ARef<Folio<0>> | undefined {
    const e = this.entries.get(index);
    if (!e) return undefined;
    this.entries.delete(index);
    if (!e.dirty) listLruDel(this.lru, e);
    return e.folio;
  }

  indexes(): number[] {
    return [...this.entries.keys()];
  }

  destroy(): void {
    for (const i of this.indexes()) this.evict(i);
    if (this.shrinker) {
      shrinkerFree(this.shrinker);
      this.shrinker = null;
    }
  }
}

export const PC_PAGE = PAGE_SIZE;
