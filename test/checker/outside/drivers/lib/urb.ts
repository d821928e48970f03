// A USB URB pool: URBs carry a kmalloc'd transfer buffer and a completion callback,
// given back by the host controller asynchronously.
import { kmalloc, kfree, GFP_KERNEL, type Memory, type KmallocPtr } from 'memdesc';

export interface Urb { id: number; buf: KmallocPtr; status: number; complete: (urb: Urb) => void }

export class Hcd {
  private pending: Urb[] = [];
  submit(urb: Urb): void { this.pending.push(urb); }
  unlink(urb: Urb): boolean {
    const i = this.pending.indexOf(urb);
    if (i < 0) return false;
    this.pending.splice(i, 1);
    return true;
  }
  /** Gives back every pending URB on the next tick. */
  async giveback(): Promise<number> {
    await new Promise<void>((r) => setImmediate(r));
    const done = this.pending.splice(0);
    for (const urb of done) { urb.status = 0; urb.complete(urb); }
    return done.length;
  }
}

export function urbAllocBuffer(mem: Memory, len: number): KmallocPtr | null {
  return kmalloc(mem, len, GFP_KERNEL);
}

export function urbFreeBuffer(buf: KmallocPtr): void {
  kfree(buf);
}
