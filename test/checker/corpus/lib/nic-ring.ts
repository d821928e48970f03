/** A NIC's rx descriptor ring: one order-0 page per descriptor, refilled by the driver. */
import { allocPage, freePage, readRaw, writeRaw, GFP_KERNEL, GFP_ATOMIC, type AllocContext, type Memory, type Owned, type Page, type Live } from 'memdesc';

export class RxRing {
  readonly slots: (Owned<Page<0>> | null)[];
  head = 0;

  constructor(readonly size: number) {
    this.slots = Array.from({ length: size }, () => null);
  }

  /** Refill from process context (ndo_open): may sleep. */
  refill(mem: Memory): number {
    let n = 0;
    for (let i = 0; i < this.size; i++) {
      if (this.slots[i] !== null) continue;
      const p = allocPage(mem, GFP_KERNEL);
      if (p === null) break;
      this.slots[i] = p;
      n++;
    }
    return n;
  }

  /** Refill from NAPI poll, under the ring lock: atomic allocations only. */
  refillAtomic(ctx: AllocContext): number {
    let n = 0;
    for (let i = 0; i < this.size; i++) {
      if (this.slots[i] !== null) continue;
      const p = allocPage(ctx, GFP_ATOMIC);
      if (p === null) break;
      this.slots[i] = p;
      n++;
    }
    return n;
  }

  /** Takes the page of descriptor i out of the ring: the caller owns it. */
  take(i: number): Owned<Page<0>> | null {
    const p = this.slots[i] ?? null;
    this.slots[i] = null;
    return p;
  }

  /** Lends the page of descriptor i: the ring still owns it. */
  peek(i: number): Owned<Page<0>> | null {
    return this.slots[i] ?? null;
  }

  /** Posts a page the caller owned into an empty descriptor. */
  post(i: number, page: Owned<Page<0>> & Live): void {
    if (this.slots[i] !== null) throw new Error(`rx descriptor ${i} is busy`);
    this.slots[i] = page;
  }

  /** Simulates the device writing a frame into descriptor i. */
  dmaWrite(i: number, frame: Uint8Array): void {
    const p = this.slots[i];
    if (p === null || p === undefined) throw new Error(`rx descriptor ${i} is empty`);
    writeRaw(p, frame, 0);
  }

  /** ndo_stop: frees every page still in the ring. */
  close(): void {
    for (let i = 0; i < this.size; i++) {
      const p = this.slots[i];
      if (p === null || p === undefined) continue;
      this.slots[i] = null;
      freePage(p);
    }
  }
}

/** Reads the ethertype-ish first byte of a received page. */
export function rxFrameType(page: Page<0> & Live): number {
  const b = new Uint8Array(1);
  readRaw(page, b, 0);
  return b[0]!;
}

/** Recycles a page: frees it (the page pool is full in this prototype). */
export function rxRecycle(page: Owned<Page<0>> & Live): void {
  freePage(page);
}
