// A page_frag cache: carves small fragments (network / TLS record pieces) out of one
// high-order folio. Each fragment holds its own reference on the folio, so the folio goes
// back to the allocator when the cache has moved on and the last fragment is freed.
import {
  folioAlloc, folioGet, folioPut, folioLock, folioUnlock, folioSize, writeRaw, readRaw,
  GFP_KERNEL, type Memory, type ARef, type Folio,
} from 'memdesc';

export const FRAG_ORDER = 3;
export type FragFolio = ARef<Folio<3>>;

export interface Frag {
  readonly folio: FragFolio;
  readonly offset: number;
  readonly len: number;
}

export class PageFragCache {
  private folio: FragFolio | null = null;
  private offset = 0;
  refills = 0;

  constructor(private readonly mem: Memory) {}

  /** page_frag_alloc(): a fragment of len bytes, or null on ENOMEM. */
  alloc(len: number): Frag | null {
    if (len <= 0 || len > 4096) return null;
    if (this.folio === null || this.offset + len > folioSize(this.folio)) {
      const fresh = folioAlloc(this.mem, GFP_KERNEL, FRAG_ORDER);
      if (fresh === null) return null;
      if (this.folio !== null) folioPut(this.folio);
      this.folio = fresh;
      this.offset = 0;
      this.refills++;
    }
    const frag: Frag = { folio: folioGet(this.folio), offset: this.offset, len };
    this.offset += (len + 63) & ~63;
    return frag;
  }

  /** page_frag_cache_drain(): drops the cache's own reference. */
  drain(): void {
    if (this.folio !== null) {
      folioPut(this.folio);
      this.folio = null;
    }
  }
}

/** page_frag_free(). */
export function fragFree(frag: Frag): void {
  folioPut(frag.folio);
}

export function fragWrite(frag: Frag, data: Uint8Array): void {
  const n = Math.min(data.length, frag.len);
  const locked = folioLock(frag.folio);
  writeRaw(locked, data.subarray(0, n), frag.offset);
  folioUnlock(locked);
}

export function fragRead(frag: Frag): Uint8Array {
  const out = new Uint8Array(frag.len);
  readRaw(frag.folio, out, frag.offset);
  return out;
}

export function fragChecksum(frag: Frag): number {
  let sum = 0;
  for (const b of fragRead(frag)) sum = (sum + b) & 0xffff;
  return sum;
}
