// A network page_pool (net/core/page_pool.c, simplified): order-0 pages handed to rx
// descriptors and recycled through a small per-pool cache when the stack returns them.
import {
  allocPage,
  freePage,
  writeRaw,
  GFP_KERNEL,
  GFP_ATOMIC,
  type AllocContext,
  type Memory,
  type Owned,
  type Page,
  type Live,
} from 'memdesc';

export type RxPage = Owned<Page<0>>;

export interface PagePoolParams {
  /** How many recycled pages the pool keeps before it frees returned ones. */
  readonly cacheSize: number;
}

export class PagePool {
  private readonly cache: RxPage[] = [];
  allocated = 0;
  recycled = 0;

  constructor(
    readonly mem: Memory,
    readonly params: PagePoolParams,
  ) {}

  /** page_pool_alloc_pages() in process context (may sleep). */
  get(): RxPage | null {
    const cached = this.cache.pop();
    if (cached !== undefined) return cached;
    const page = allocPage(this.mem, GFP_KERNEL);
    if (page !== null) this.allocated++;
    return page;
  }

  /** page_pool_alloc_pages() from NAPI context: the caller's context, GFP_ATOMIC. */
  getAtomic(ctx: AllocContext): RxPage | null {
    const cached = this.cache.pop();
    if (cached !== undefined) return cached;
    const page = allocPage(ctx, GFP_ATOMIC);
    if (page !== null) this.allocated++;
    return page;
  }

  /** page_pool_put_page(): the pool takes the page back; recycled or freed. */
  put(page: RxPage & Live): void {
    if (this.cache.length < this.params.cacheSize) {
      this.cache.push(page);
      this.recycled++;
      return;
    }
    freePage(page);
  }

  /** page_pool_release_page(): the page is not recycled (pfmemalloc, wrong node): freed now. */
  release(page: RxPage & Live): void {
    freePage(page);
  }

  /** Pre-fills the recycle cache in process context. Returns how many were added. */
  refill(n: number): number {
    let added = 0;
    while (added < n && this.cache.length < this.params.cacheSize) {
      const page = allocPage(this.mem, GFP_KERNEL);
      if (page === null) break;
      this.allocated++;
      this.cache.push(page);
      added++;
    }
    return added;
  }

  cached(): number {
    return this.cache.length;
  }

  /** page_pool_destroy(): frees every cached page. Pages still out belong to their holders. */
  destroy(): void {
    for (const page of this.cache.splice(0)) freePage(page);
  }
}

/** An rx descriptor ring: each slot owns the page posted to the device, or nothing. */
export class RxRing {
  readonly slots: (RxPage | null)[];

  constructor(readonly size: number) {
    this.slots = new Array<RxPage | null>(size).fill(null);
  }

  /** Posts a page into slot i; the ring owns it from now on. Returns false if the slot is busy. */
  post(i: number, page: RxPage & Live): boolean {
    if (this.slots[i] !== null) return false;
    this.slots[i] = page;
    return true;
  }

  /** The device wrote a frame into slot i: ownership goes back to the caller. */
  complete(i: number): RxPage | null {
    const page = this.slots[i] ?? null;
    this.slots[i] = null;
    return page;
  }

  /** Fills every empty slot from the pool. Returns how many were posted. */
  fill(pool: PagePool): number {
    let posted = 0;
    for (let i = 0; i < this.size; i++) {
      if (this.slots[i] !== null) continue;
      const page = pool.get();
      if (page === null) break;
      this.slots[i] = page;
      posted++;
    }
    return posted;
  }

  /** Takes every posted page out of the ring (ring teardown). */
  drain(): RxPage[] {
    const out: RxPage[] = [];
    for (let i = 0; i < this.size; i++) {
      const page = this.slots[i];
      if (page !== null && page !== undefined) out.push(page);
      this.slots[i] = null;
    }
    return out;
  }
}

/** Writes a fake frame header (the device's DMA) into a posted page. */
export function deviceWrite(page: RxPage & Live, len: number): void {
  const hdr = new Uint8Array(4);
  new DataView(hdr.buffer).setUint32(0, len, true);
  writeRaw(page, hdr, 0);
}
