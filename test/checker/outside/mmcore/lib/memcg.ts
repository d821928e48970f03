// A memcg-like charge layer: each group charges the folios it allocates against a limit and keeps
// them on a per-group LRU (oldest first); reclaim puts the oldest until usage is under the limit.
import {
  folioAlloc, folioPut, folioNrPages, spinLockInit, withSpinLock,
  GFP_KERNEL, type Memory, type ARef, type Folio, type SpinLock,
} from 'memdesc';

export type CgFolio = ARef<Folio<0>>;

export class MemCgroup {
  readonly lock: SpinLock;
  private readonly lru = new Map<number, CgFolio>();
  private nextKey = 1;
  usage = 0;
  reclaimed = 0;

  constructor(readonly mem: Memory, readonly name: string, readonly limit: number) {
    this.lock = spinLockInit(mem, `memcg:${name}`);
  }

  /** Charges a folio the caller hands over; the group owns it from now on. Returns its LRU key. */
  charge(folio: CgFolio): number {
    const key = this.nextKey++;
    withSpinLock(this.lock, () => {
      this.lru.set(key, folio);
      this.usage += folioNrPages(folio);
    });
    return key;
  }

  /** Allocates and charges a folio (may sleep: not under a lock). */
  allocCharged(): number {
    const folio = folioAlloc(this.mem, GFP_KERNEL, 0);
    if (folio === null) return 0;
    return this.charge(folio);
  }

  /** Borrow of a charged folio (the group still owns it). */
  peek(key: number): CgFolio | undefined {
    return this.lru.get(key);
  }

  /** The most recently charged folio (borrowed). */
  newest(): CgFolio | undefined {
    let last: CgFolio | undefined;
    for (const f of this.lru.values()) last = f;
    return last;
  }

  /** Uncharges and gives the folio back to the caller, who now owns it. */
  uncharge(key: number): CgFolio | undefined {
    const folio = this.lru.get(key);
    if (folio === undefined) return undefined;
    this.lru.delete(key);
    this.usage -= folioNrPages(folio);
    return folio;
  }

  /** Reclaims oldest-first until usage <= limit; returns the number of folios put. */
  reclaim(): number {
    let n = 0;
    for (const [key, folio] of this.lru) {
      if (this.usage <= this.limit) break;
      this.lru.delete(key);
      this.usage -= folioNrPages(folio);
      folioPut(folio);
      n++;
    }
    this.reclaimed += n;
    return n;
  }

  /** Offlines the group: puts everything. */
  destroy(): void {
    for (const folio of this.lru.values()) folioPut(folio);
    this.lru.clear();
    this.usage = 0;
  }
}
