/**
 * A Binder-like page pool: pages a client gave back wait on a list_lru, a new request takes one
 * back without allocating, and a shrinker frees idle pages under memory pressure.
 */
import {
  allocPage,
  freePage,
  listLruAdd,
  listLruCount,
  listLruInit,
  listLruWalk,
  shrinkerAlloc,
  shrinkerFree,
  shrinkerRegister,
  GFP_KERNEL,
  LRU_REMOVED,
  type ListLru,
  type Memory,
  type Owned,
  type Page,
  type Shrinker,
} from 'memdesc';

/** An idle page on the LRU. The pool owns it. */
export interface IdleSlot {
  page: Owned<Page<0>> | null;
}

export class PagePool {
  readonly lru: ListLru<IdleSlot>;
  readonly shrinker: Shrinker;
  /** Pages the shrinker gave back to the allocator. */
  reclaimed = 0;

  constructor(
    readonly mem: Memory,
    name: string,
  ) {
    this.lru = listLruInit<IdleSlot>(mem);
    this.shrinker = shrinkerAlloc(mem, 0, name);
    this.shrinker.countObjects = () => listLruCount(this.lru);
    this.shrinker.scanObjects = (_s, sc) => listLruWalk(this.lru, (slot) => this.isolate(slot), sc.nrToScan);
    shrinkerRegister(this.shrinker);
  }

  /** The shrinker's isolate callback: frees an idle page. */
  private isolate(slot: IdleSlot): typeof LRU_REMOVED {
    const page = slot.page;
    slot.page = null;
    if (page !== null) {
      freePage(page);
      this.reclaimed++;
    }
    return LRU_REMOVED;
  }

  /** Takes a page: the oldest idle one, or a new one. The caller owns it until `put`. */
  get(): Owned<Page<0>> | null {
    const out: IdleSlot = { page: null };
    listLruWalk(
      this.lru,
      (slot) => {
        out.page = slot.page;
        slot.page = null;
        return LRU_REMOVED;
      },
      1,
    );
    return out.page ?? allocPage(this.mem, GFP_KERNEL);
  }

  /** Gives a page back to the pool: the pool owns it from here on. */
  put(page: Owned<Page<0>>): void {
    listLruAdd(this.lru, { page });
  }

  /** What reclaim would do under pressure: run the shrinker's scan over `n` idle pages. */
  shrink(n: number): number {
    return this.shrinker.scanObjects!(this.shrinker, { gfpMask: GFP_KERNEL, nid: 0, nrToScan: n, nrScanned: 0 });
  }

  /** Module exit: frees every idle page and the shrinker. */
  destroy(): void {
    while (listLruCount(this.lru) > 0) this.shrink(listLruCount(this.lru));
    shrinkerFree(this.shrinker);
  }
}
