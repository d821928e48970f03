// A swap cache with swap-in readahead: folios indexed by swap offset. The cache holds one
// reference per entry; every lookup hands the caller its own reference, which it must put.
import {
  folioAlloc, folioGet, folioPut, folioLock, folioUnlock, writeRaw, readRaw,
  GFP_KERNEL, type ARef, type Folio, type Memory,
} from 'memdesc';

export type SwapFolio = ARef<Folio<0>>;

export const SWAP_CLUSTER = 4;

export class SwapCache {
  private readonly entries = new Map<number, SwapFolio>();
  hits = 0;
  misses = 0;

  constructor(private readonly mem: Memory) {}

  get size(): number {
    return this.entries.size;
  }

  has(offset: number): boolean {
    return this.entries.has(offset);
  }

  /** lookup_swap_cache(): a new reference for the caller, or null on a miss. */
  lookup(offset: number): SwapFolio | null {
    const f = this.entries.get(offset);
    if (f === undefined) {
      this.misses++;
      return null;
    }
    this.hits++;
    return folioGet(f);
  }

  /** add_to_swap_cache(): the cache takes its own reference. */
  add(offset: number, folio: SwapFolio): void {
    this.entries.set(offset, folioGet(folio));
  }

  /** Read one slot from "disk": a fresh folio, filled under its lock, added to the cache. */
  readIn(offset: number): SwapFolio | null {
    const folio = folioAlloc(this.mem, GFP_KERNEL, 0);
    if (folio === null) return null;
    const locked = folioLock(folio);
    writeRaw(locked, swapPattern(offset), 0);
    folioUnlock(locked);
    this.add(offset, folio);
    return folio;
  }

  /** delete_from_swap_cache(): drop the cache's reference. */
  remove(offset: number): void {
    const f = this.entries.get(offset);
    if (f === undefined) return;
    this.entries.delete(offset);
    folioPut(f);
  }

  /** Drop every entry (swapoff). */
  clear(): void {
    for (const f of this.entries.values()) folioPut(f);
    this.entries.clear();
  }
}

export function swapPattern(offset: number): Uint8Array {
  return new Uint8Array([0x5a, offset & 0xff, (offset >> 8) & 0xff, 0xa5]);
}

export function readSwapTag(folio: SwapFolio): number {
  const b = new Uint8Array(4);
  readRaw(folio, b, 0);
  return (b[1] ?? 0) | ((b[2] ?? 0) << 8);
}

/** swap_cluster_readahead(): read the cluster around `offset` into the cache. Only the
 *  cache keeps the readahead folios; the faulting task gets its own reference to `offset`. */
export function swapReadahead(cache: SwapCache, offset: number): SwapFolio | null {
  const start = offset - (offset % SWAP_CLUSTER);
  let target: SwapFolio | null = null;
  for (let off = start; off < start + SWAP_CLUSTER; off++) {
    if (cache.has(off)) {
      if (off === offset) target = cache.lookup(off);
      continue;
    }
    const f = cache.readIn(off);
    if (f === null) break;
    if (off === offset) target = f;
    else folioPut(f);
  }
  return target;
}
