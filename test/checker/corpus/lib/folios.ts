/**
 * A tiny page cache over folios: one reference per cached folio, `lookup` hands out a new
 * reference (`folio_get`), `peek` lends the cache's own one, `evict` and `close` put.
 */
import {
  folioAlloc,
  folioGet,
  folioLock,
  folioNrPages,
  folioPut,
  folioUnlock,
  readRaw,
  writeRaw,
  GFP_KERNEL,
  PAGE_SIZE,
  type ARef,
  type Folio,
  type Memory,
} from 'memdesc';

/** Checksums a folio's contents. Borrows the reference it is given. */
export function folioChecksum(folio: ARef<Folio>): number {
  const buf = new Uint8Array(folioNrPages(folio) * PAGE_SIZE);
  readRaw(folio, buf, 0);
  let sum = 0;
  for (const b of buf) sum = (sum * 31 + b) >>> 0;
  return sum;
}

/** `folio_put()` behind a driver's own name. Consumes `folio`. */
export function dropFolio(folio: ARef<Folio>): void {
  folioPut(folio);
}

/** Writes `data` at the start of a folio under its lock. Borrows `folio`. */
export function fillFolio(folio: ARef<Folio>, data: Uint8Array): void {
  const locked = folioLock(folio);
  writeRaw(locked, data, 0);
  folioUnlock(locked);
}

/** An index → folio cache; it holds one reference on each folio it caches. */
export class FolioCache {
  private readonly folios = new Map<number, ARef<Folio<0>>>();

  constructor(readonly mem: Memory) {}

  /** Reads "file" page `index` into a new folio (a no-op if cached). Returns false on ENOMEM. */
  populate(index: number): boolean {
    if (this.folios.has(index)) return true;
    const folio = folioAlloc(this.mem, GFP_KERNEL, 0);
    if (folio === null) return false;
    fillFolio(folio, new Uint8Array([index & 0xff, 0xca, 0xfe]));
    this.folios.set(index, folio);
    return true;
  }

  /** `filemap_get_folio()`: a new reference the caller must put, or null. */
  lookup(index: number): ARef<Folio<0>> | null {
    const folio = this.folios.get(index);
    return folio === undefined ? null : folioGet(folio);
  }

  /** The cache's own reference, lent: valid while the entry stays cached; never put it. */
  peek(index: number): ARef<Folio<0>> | undefined {
    return this.folios.get(index);
  }

  /** Drops the cache's reference on entry `index`. */
  evict(index: number): boolean {
    const folio = this.folios.get(index);
    if (folio === undefined) return false;
    this.folios.delete(index);
    folioPut(folio);
    return true;
  }

  get size(): number {
    return this.folios.size;
  }

  /** Drops every cached reference. */
  close(): void {
    for (const folio of this.folios.values()) folioPut(folio);
    this.folios.clear();
  }
}
