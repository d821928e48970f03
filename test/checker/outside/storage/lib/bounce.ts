/**
 * A block-device bounce buffer pool: order-2 (16 KiB) blocks, kept on a free list protected by
 * a spinlock. Blocks are allocated outside the lock and recycled through it.
 */
import {
  allocPages, freePages, withSpinLock, spinLockInit, writeRaw, readRaw, GFP_KERNEL, GFP_ATOMIC,
  type Memory, type Owned, type Page, type SpinLock, type AtomicContext,
} from 'memdesc';

export const BOUNCE_ORDER = 2;
export type BouncePage = Owned<Page<2>>;

export class BouncePool {
  private readonly free: BouncePage[] = [];
  readonly lock: SpinLock;
  allocated = 0;

  constructor(private readonly mem: Memory, readonly max = 4) {
    this.lock = spinLockInit(mem, 'bounce_pool');
  }

  get idle(): number {
    return this.free.length;
  }

  /** Preallocates n blocks (process context). */
  fill(n: number): number {
    let got = 0;
    for (let i = 0; i < n; i++) {
      const p = allocPages(this.mem, GFP_KERNEL, BOUNCE_ORDER);
      if (p === null) break;
      withSpinLock(this.lock, () => this.free.push(p));
      got++;
    }
    return got;
  }

  /** A block from the pool, or a fresh one (may sleep). */
  get(): BouncePage | null {
    const cached = withSpinLock(this.lock, () => this.free.pop());
    if (cached) return cached;
    const p = allocPages(this.mem, GFP_KERNEL, BOUNCE_ORDER);
    if (p) this.allocated++;
    return p;
  }

  /** Under the pool's lock or another: from the free list or GFP_ATOMIC. */
  getAtomic(ctx: AtomicContext): BouncePage | null {
    const cached = this.free.pop();
    if (cached) return cached;
    return allocPages(ctx, GFP_ATOMIC, BOUNCE_ORDER);
  }

  /** Gives a block back: kept if the pool has room, freed otherwise. */
  put(p: BouncePage): void {
    const kept = withSpinLock(this.lock, () => {
      if (this.free.length >= this.max) return false;
      this.free.push(p);
      return true;
    });
    if (!kept) freePages(p, BOUNCE_ORDER);
  }

  /** Frees every idle block. */
  drain(): void {
    const all = withSpinLock(this.lock, () => this.free.splice(0));
    for (const p of all) freePages(p, BOUNCE_ORDER);
  }
}

/** Copies data into a bounce block (the "DMA" side). */
export function bounceIn(p: BouncePage, data: Uint8Array): void {
  writeRaw(p, data, 0);
}

export function bounceOut(p: BouncePage, dst: Uint8Array): void {
  readRaw(p, dst, 0);
}
