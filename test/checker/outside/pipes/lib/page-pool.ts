// A network page_pool: order-0 pages recycled through a small cache protected by a spinlock.
import {
  allocPage, freePage, spinLockInit, withSpinLock, GFP_ATOMIC, GFP_KERNEL,
  type Memory, type Owned, type Page, type SpinLock,
} from 'memdesc';

export class PagePool {
  readonly lock: SpinLock;
  private cache: Owned<Page<0>>[] = [];
  constructor(readonly mem: Memory, readonly name: string, readonly cacheMax = 8) {
    this.lock = spinLockInit(mem, `${name}.lock`);
  }

  /** page_pool_alloc_pages(): from the cache if possible, else a fresh page (may sleep). */
  get(): Owned<Page<0>> | null {
    const cached = withSpinLock(this.lock, () => this.cache.pop());
    if (cached !== undefined) return cached;
    return allocPage(this.mem, GFP_KERNEL);
  }

  /** Atomic variant for the RX softirq path. */
  getAtomic(): Owned<Page<0>> | null {
    return withSpinLock(this.lock, (ctx) => this.cache.pop() ?? allocPage(ctx, GFP_ATOMIC));
  }

  /** page_pool_put_page(): recycle into the cache, or free when it is full. Consumes the page. */
  put(page: Owned<Page<0>>): void {
    const kept = withSpinLock(this.lock, () => {
      if (this.cache.length < this.cacheMax) {
        this.cache.push(page);
        return true;
      }
      return false;
    });
    if (!kept) freePage(page);
  }

  /** Pre-fill the cache in process context (may sleep: call without the lock). */
  refill(n: number): number {
    let added = 0;
    for (let i = 0; i < n; i++) {
      const p = allocPage(this.mem, GFP_KERNEL);
      if (p === null) break;
      this.put(p);
      added++;
    }
    return added;
  }

  get cached(): number {
    return this.cache.length;
  }

  /** page_pool_destroy(): free everything still cached. */
  destroy(): void {
    const pages = withSpinLock(this.lock, () => this.cache.splice(0));
    for (const p of pages) freePage(p);
  }
}
