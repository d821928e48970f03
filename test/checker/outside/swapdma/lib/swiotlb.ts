// A bounce-buffer pool (swiotlb-like): a fixed set of slot pages handed out under a spinlock,
// mapped around each I/O to copy data in and out.
import {
  allocPage, freePage, spinLockInit, withSpinLock, withPageMapped,
  GFP_KERNEL, type Memory, type Owned, type Page, type SpinLock,
} from 'memdesc';

export type Slot = Owned<Page<0>>;

export class BouncePool {
  readonly lock: SpinLock;
  private readonly free: Slot[] = [];
  private total = 0;

  constructor(mem: Memory, nslots: number) {
    this.lock = spinLockInit(mem, 'swiotlb');
    for (let i = 0; i < nslots; i++) {
      const p = allocPage(mem, GFP_KERNEL);
      if (p === null) break;
      this.free.push(p);
      this.total++;
    }
  }

  get available(): number {
    return this.free.length;
  }

  /** swiotlb_tbl_map_single(): take a slot; null when the pool is exhausted. */
  get(): Slot | null {
    return withSpinLock(this.lock, () => this.free.pop() ?? null);
  }

  /** swiotlb_tbl_unmap_single(): give the slot back. */
  put(slot: Slot): void {
    withSpinLock(this.lock, () => {
      this.free.push(slot);
    });
  }

  destroy(): void {
    if (this.free.length !== this.total) throw new Error('swiotlb: slots still mapped');
    for (const p of this.free) freePage(p);
    this.free.length = 0;
    this.total = 0;
  }
}

/** Copy `data` into the slot (bounce for a write). */
export function bounceIn(slot: Slot, data: Uint8Array): void {
  withPageMapped(slot, (view) => {
    view.set(data.subarray(0, view.length), 0);
  });
}

/** Copy `len` bytes out of the slot (bounce for a read). */
export function bounceOut(slot: Slot, len: number): Uint8Array {
  return withPageMapped(slot, (view) => view.slice(0, len));
}

export function checksum(bytes: Uint8Array): number {
  let s = 0;
  for (const b of bytes) s = (s * 31 + b) >>> 0;
  return s;
}
