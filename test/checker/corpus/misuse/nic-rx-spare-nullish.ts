/**
 * The rx path's spare page is freed under memory pressure without clearing the field; `??` hands it out.
 *
 * Kernel: drivers keep a spare rx buffer so a failed refill does not stall the ring.
 * Protocol: the field owns the spare; whoever frees it clears the field in the same step,
 * and `spare ?? allocPage()` hands out ownership (the field is cleared when it is used).
 */
import { allocPage, freePage, writeRaw, GFP_ATOMIC, type AllocContext, type Memory, type Owned, type Page } from 'memdesc';

class RxSpare {
  spare: Owned<Page<0>> | null = null;

  prime(ctx: AllocContext): void {
    if (this.spare === null) this.spare = allocPage(ctx, GFP_ATOMIC);
  }

  /** Memory pressure: give the spare back. */
  trim(): void {
    if (this.spare !== null) freePage(this.spare);
  }

  /** A buffer for the next frame: the spare if there is one, else a fresh page. */
  next(ctx: AllocContext): Owned<Page<0>> | null {
    const p = this.spare ?? allocPage(ctx, GFP_ATOMIC);
    this.spare = null;
    return p;
  }
}

export function run(mem: Memory): void {
  const rx = new RxSpare();
  rx.prime(mem);
  rx.trim();
  const buf = rx.next(mem);
  if (buf === null) return;
  writeRaw(buf, new Uint8Array([0x08, 0x00]), 0); // expect: use-after-free
  freePage(buf);
}
