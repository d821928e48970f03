// A hugetlb-like pool of order-2 folios with reservations.
import { folioAlloc, folioPut, GFP_KERNEL, __GFP_COMP, type Memory, type ARef, type Folio } from 'memdesc';

export const HUGE_ORDER = 2;
export type HugeFolio = ARef<Folio<2>>;

export class HugePool {
  free: HugeFolio[] = [];
  reserved = 0;
  constructor(readonly mem: Memory) {}
  grow(n: number): number {
    let got = 0;
    for (let i = 0; i < n; i++) {
      const f = folioAlloc(this.mem, GFP_KERNEL | __GFP_COMP, HUGE_ORDER);
      if (!f) break;
      this.free.push(f);
      got++;
    }
    return got;
  }
  reserve(n: number): boolean {
    if (this.free.length - this.reserved < n) return false;
    this.reserved += n;
    return true;
  }
  /** Takes a reserved folio out of the pool; the caller owns the reference. */
  dequeue(): HugeFolio | null {
    if (this.reserved === 0) return null;
    const f = this.free.pop();
    if (!f) return null;
    this.reserved--;
    return f;
  }
  enqueue(f: HugeFolio): void {
    this.free.push(f);
  }
  shrink(): void {
    for (const f of this.free) folioPut(f);
    this.free = [];
    this.reserved = 0;
  }
}
