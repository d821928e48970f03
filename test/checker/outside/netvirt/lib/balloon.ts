// A virtio-balloon-like driver (drivers/virtio/virtio_balloon.c + mm/balloon_compaction.c,
// simplified): pages inflated to the host sit on a list_lru; deflate and the shrinker give them
// back to the guest.
import {
  defineMemdesc,
  memdescAlloc,
  memdescFree,
  memdescAddress,
  memdescPage,
  pageToPfn,
  listLruInit,
  listLruAdd,
  listLruDel,
  listLruCount,
  listLruWalk,
  shrinkerAlloc,
  shrinkerRegister,
  shrinkerFree,
  writeRaw,
  gfp,
  GFP_HIGHUSER_MOVABLE,
  __GFP_NOWARN,
  __GFP_NORETRY,
  LRU_REMOVED,
  LRU_STOP,
  SHRINK_EMPTY,
  type AllocatedHandle,
  type ListLru,
  type Memory,
  type Shrinker,
} from 'memdesc';

export const BalloonPage = defineMemdesc({ name: 'balloon_page', ownable: true });
export type BalloonHandle = AllocatedHandle<typeof BalloonPage>;

export interface BalloonEntry {
  page: BalloonHandle;
  pfn: number;
}

export const BALLOON_GFP = gfp(GFP_HIGHUSER_MOVABLE, __GFP_NOWARN, __GFP_NORETRY);

/** The host's view: pfns it was told about (tell_host). */
export class Host {
  readonly inflated = new Set<number>();
  nak = new Set<number>();
  tell(pfn: number): boolean {
    if (this.nak.has(pfn)) return false;
    this.inflated.add(pfn);
    return true;
  }
  release(pfn: number): void {
    this.inflated.delete(pfn);
  }
}

/** Allocates one balloon page (balloon_page_alloc()). */
export function balloonPageAlloc(mem: Memory): BalloonHandle | null {
  return memdescAlloc(mem, BalloonPage, BALLOON_GFP);
}

/** Marks the page's contents as given away (the host may discard them). */
export function poison(page: BalloonHandle): void {
  writeRaw(memdescAddress(page), new Uint8Array([0xba, 0x11]), 0);
}

export class Balloon {
  readonly lru: ListLru<BalloonEntry>;
  readonly shrinker: Shrinker;
  freedByShrinker = 0;

  constructor(
    readonly mem: Memory,
    readonly host: Host,
  ) {
    this.lru = listLruInit<BalloonEntry>(mem);
    this.shrinker = shrinkerAlloc(mem, 0, 'virtio-balloon');
    this.shrinker.countObjects = () => {
      const n = listLruCount(this.lru);
      return n === 0 ? SHRINK_EMPTY : n;
    };
    this.shrinker.scanObjects = (_s, sc) => {
      const freed = this.leak(sc.nrToScan);
      this.freedByShrinker += freed;
      return freed;
    };
    shrinkerRegister(this.shrinker);
  }

  /** Takes ownership of an allocated page: told to the host and put on the LRU. */
  enqueue(page: BalloonHandle, pfn: number): boolean {
    if (!this.host.tell(pfn)) return false;
    listLruAdd(this.lru, { page, pfn });
    return true;
  }

  /** fill_balloon(): inflates by up to n pages. */
  inflate(n: number): number {
    let done = 0;
    for (let i = 0; i < n; i++) {
      const page = balloonPageAlloc(this.mem);
      if (page === null) break;
      const pfn = pfnOf(page);
      if (!this.enqueue(page, pfn)) {
        memdescFree(page);
        break;
      }
      done++;
    }
    return done;
  }

  /** leak_balloon(): gives up to n pages back to the guest, oldest first. */
  leak(n: number): number {
    return listLruWalk(
      this.lru,
      (entry) => {
        this.host.release(entry.pfn);
        memdescFree(entry.page);
        return LRU_REMOVED;
      },
      n,
    );
  }

  /** Takes one entry off the LRU without freeing it: the caller owns entry.page now. */
  isolate(): BalloonEntry | null {
    let got: BalloonEntry | null = null;
    listLruWalk(
      this.lru,
      (entry) => {
        got = entry;
        return LRU_REMOVED;
      },
      1,
    );
    return got;
  }

  /** Takes a specific entry off the list (migration); the caller owns its page. */
  remove(entry: BalloonEntry): boolean {
    if (!listLruDel(this.lru, entry)) return false;
    this.host.release(entry.pfn);
    return true;
  }

  size(): number {
    return listLruCount(this.lru);
  }

  stopWalk(): number {
    return listLruWalk(this.lru, () => LRU_STOP, 1);
  }

  /** Module exit: deflates everything and unregisters the shrinker. */
  destroy(): void {
    this.leak(listLruCount(this.lru));
    shrinkerFree(this.shrinker);
  }
}

/** page_to_pfn() of the instance's page: what the host is told. */
export function pfnOf(page: BalloonHandle): number {
  return pageToPfn(memdescPage(page, 0));
}
