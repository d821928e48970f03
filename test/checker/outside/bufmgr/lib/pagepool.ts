// A NIC page_pool: RX pages are order-0 folios; each packet in a page holds its own reference
// (a fragment), and the page goes back to the pool's cache when the last user recycles it.
import {
  folioAlloc, folioGet, folioPut, folioRefCount, folioLock, folioUnlock, writeRaw, readRaw,
  spinLockInit, withSpinLock, GFP_KERNEL, GFP_ATOMIC, PAGE_SIZE,
  type Memory, type AtomicContext, type SpinLock, type ARef, type Folio,
} from 'memdesc';

export type RxPage = ARef<Folio<0>>;

export class PagePool {
  readonly lock: SpinLock;
  readonly #cache: RxPage[] = [];
  recycled = 0;
  released = 0;

  constructor(mem: Memory, readonly cacheSize: number) {
    this.lock = spinLockInit(mem, 'page_pool');
  }

  get cached(): number {
    return this.#cache.length;
  }

  /** page_pool_dev_alloc_pages() from process context: the cache first, then the allocator. */
  alloc(mem: Memory): RxPage | null {
    return this.#cache.pop() ?? folioAlloc(mem, GFP_KERNEL, 0);
  }

  /** The same from NAPI (atomic) context. */
  allocAtomic(ctx: AtomicContext): RxPage | null {
    return this.#cache.pop() ?? folioAlloc(ctx, GFP_ATOMIC, 0);
  }

  /** Fills the cache up to n pages; may sleep (process context only). */
  refill(mem: Memory, n: number): number {
    let added = 0;
    while (this.#cache.length < Math.min(n, this.cacheSize)) {
      const f = folioAlloc(mem, GFP_KERNEL, 0);
      if (f === null) break;
      this.#cache.push(f);
      added++;
    }
    return added;
  }

  /** page_pool_put_page(): the last user's page goes back to the cache if there is room. */
  recycle(ref: RxPage): void {
    if (folioRefCount(ref) === 1 && this.#cache.length < this.cacheSize) {
      this.#cache.push(ref);
      this.recycled++;
    } else {
      folioPut(ref);
      this.released++;
    }
  }

  /** A fragment: one more reference on the page for one packet. */
  fragRef(page: RxPage): RxPage {
    return folioGet(page);
  }

  /** Drops one packet's fragment reference. */
  putFrag(frag: RxPage): void {
    folioPut(frag);
  }

  /** page_pool_destroy(): releases the cached pages. */
  destroy(): void {
    withSpinLock(this.lock, () => this.#cache.splice(0)).forEach((f) => folioPut(f));
  }
}

export interface RxDesc {
  readonly frag: RxPage;
  readonly offset: number;
  readonly len: number;
}

export const FRAG_SIZE = 2048;

/** The device DMAs packets into pages from the pool, FRAG_SIZE bytes per packet. */
export class RxRing {
  #page: RxPage | null = null;
  #next = 0;

  constructor(readonly pool: PagePool) {}

  /** Simulated DMA of one packet; returns its descriptor holding a fragment reference. */
  receive(mem: Memory, data: Uint8Array): RxDesc | null {
    if (data.length > FRAG_SIZE) throw new Error('EMSGSIZE');
    if (this.#page === null || this.#next + FRAG_SIZE > PAGE_SIZE) {
      if (this.#page !== null) this.pool.recycle(this.#page);
      this.#page = this.pool.alloc(mem);
      this.#next = 0;
      if (this.#page === null) return null;
    }
    const locked = folioLock(this.#page);
    writeRaw(locked, data, this.#next);
    folioUnlock(locked);
    const desc: RxDesc = { frag: this.pool.fragRef(this.#page), offset: this.#next, len: data.length };
    this.#next += FRAG_SIZE;
    return desc;
  }

  /** Ring teardown: gives the current page back. */
  close(): void {
    if (this.#page !== null) this.pool.recycle(this.#page);
    this.#page = null;
  }
}

/** Reads a packet's bytes out of its fragment. */
export function packetBytes(desc: RxDesc): Uint8Array {
  const out = new Uint8Array(desc.len);
  readRaw(desc.frag, out, desc.offset);
  return out;
}
