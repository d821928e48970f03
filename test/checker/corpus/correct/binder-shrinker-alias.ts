/**
 * A Binder-like allocator: idle pages wait on a list_lru, a shrinker frees them. The isolate
 * callback keeps an alias of the slot's page, checksums it for its statistics, then releases
 * the slot through a helper.
 */
import {
  allocPage,
  listLruAdd,
  listLruCount,
  listLruInit,
  listLruWalk,
  shrinkerAlloc,
  shrinkerFree,
  shrinkerRegister,
  GFP_KERNEL,
  LRU_REMOVED,
  LRU_SKIP,
  type ListLru,
  type LruStatus,
  type Memory,
  type Shrinker,
} from 'memdesc';
import { checksumPage, fillPage, releasePage, type DataPage } from '../lib/pages.js';

interface PageInfo {
  page: DataPage | null;
}

class BinderAlloc {
  readonly lru: ListLru<PageInfo>;
  readonly shrinker: Shrinker;
  readonly infos: PageInfo[] = [];
  reclaimedSum = 0;

  constructor(readonly mem: Memory) {
    this.lru = listLruInit<PageInfo>(mem);
    this.shrinker = shrinkerAlloc(mem, 0, 'corpus-binder');
    this.shrinker.countObjects = () => listLruCount(this.lru);
    this.shrinker.scanObjects = (_s, sc) => listLruWalk(this.lru, (info) => this.freePageCb(info), sc.nrToScan);
    shrinkerRegister(this.shrinker);
  }

  private releaseInfo(info: PageInfo): void {
    const page = info.page;
    info.page = null;
    if (page !== null) releasePage(page);
  }

  private freePageCb(info: PageInfo): LruStatus {
    const page = info.page;
    if (page === null) return LRU_SKIP;
    this.reclaimedSum += checksumPage(page, 8);
    this.releaseInfo(info);
    return LRU_REMOVED;
  }

  /** A transaction used pages 0..n-1 and is done with them: they become idle. */
  useAndIdle(n: number): void {
    for (let i = 0; i < n; i++) {
      const info: PageInfo = { page: allocPage(this.mem, GFP_KERNEL) };
      if (info.page !== null) fillPage(info.page, i + 1, 8);
      this.infos.push(info);
      listLruAdd(this.lru, info);
    }
  }

  destroy(): void {
    for (const info of this.infos) this.releaseInfo(info);
    shrinkerFree(this.shrinker);
  }
}

export function run(mem: Memory): void {
  const alloc = new BinderAlloc(mem);
  alloc.useAndIdle(3);
  alloc.shrinker.scanObjects!(alloc.shrinker, { gfpMask: GFP_KERNEL, nid: 0, nrToScan: 2, nrScanned: 0 });
  alloc.destroy();
}
