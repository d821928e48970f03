// A DRM TTM-like page pool (drivers/gpu/drm/ttm/ttm_pool.c, simplified): higher-order blocks
// cached per order, handed to buffer objects and given back when they are unpopulated.
import {
  allocPages,
  freePages,
  fillZeroRaw,
  gfp,
  GFP_HIGHUSER,
  __GFP_COMP,
  __GFP_NOWARN,
  __GFP_NORETRY,
  PAGE_SIZE,
  type Memory,
  type Owned,
  type Page,
  type Live,
} from 'memdesc';

export type TtmBlock = Owned<Page<number>>;
export interface TtmChunk {
  block: TtmBlock;
  order: number;
}

export const TTM_ORDERS = [4, 2, 0] as const;
const TTM_GFP = gfp(GFP_HIGHUSER, __GFP_COMP, __GFP_NOWARN, __GFP_NORETRY);

export class TtmPool {
  /** Cached blocks, per order: the pool owns them. */
  readonly cache = new Map<number, TtmBlock[]>();
  constructor(readonly mem: Memory) {
    for (const o of TTM_ORDERS) this.cache.set(o, []);
  }

  /** ttm_pool_alloc_page(): a cached block of this order, or a fresh one. */
  alloc(order: number): TtmBlock | null {
    const cached = this.cache.get(order)?.pop();
    if (cached !== undefined) return cached;
    return allocPages(this.mem, TTM_GFP, order);
  }

  /** ttm_pool_type_give(): the pool takes the block back (cleared first). */
  give(block: TtmBlock & Live, order: number): void {
    fillZeroRaw(block, 0, PAGE_SIZE);
    const list = this.cache.get(order);
    if (list === undefined) {
      freePages(block, order);
      return;
    }
    list.push(block);
  }

  cached(order: number): number {
    return this.cache.get(order)?.length ?? 0;
  }

  /** ttm_pool_shrink(): frees up to n cached blocks, highest order first. Returns pages freed. */
  shrink(n: number): number {
    let pages = 0;
    for (const order of TTM_ORDERS) {
      const list = this.cache.get(order)!;
      while (n > 0 && list.length > 0) {
        freePages(list.pop()!, order);
        pages += 1 << order;
        n--;
      }
    }
    return pages;
  }

  /** ttm_pool_fini(). */
  fini(): void {
    for (const [order, list] of this.cache) for (const b of list.splice(0)) freePages(b, order);
  }
}

/** A buffer object's backing store: chunks from the pool, largest first. */
export class TtmTt {
  readonly chunks: TtmChunk[] = [];
  constructor(readonly pool: TtmPool) {}

  /** ttm_pool_alloc(): fills npages with the largest blocks that fit. */
  populate(npages: number): boolean {
    let left = npages;
    while (left > 0) {
      const order = TTM_ORDERS.find((o) => 1 << o <= left) ?? 0;
      const block = this.pool.alloc(order);
      if (block === null) {
        this.unpopulate();
        return false;
      }
      this.chunks.push({ block, order });
      left -= 1 << order;
    }
    return true;
  }

  /** ttm_pool_free(): every chunk goes back to the pool. */
  unpopulate(): void {
    for (const c of this.chunks.splice(0)) this.pool.give(c.block, c.order);
  }
}

/** Frees a block the pool will not take back (caching attribute mismatch). */
export function ttmFreeBlock(block: TtmBlock & Live, order: number): void {
  freePages(block, order);
}
