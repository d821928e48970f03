/** A receive queue refills itself before it takes its spinlock: the GFP_KERNEL allocation runs in process context. */
import { allocPage, freePage, spinLockInit, withSpinLock, GFP_KERNEL, type Memory, type SpinLock } from 'memdesc';
import { type DataPage } from '../lib/pages.js';

class RxQueue {
  readonly lock: SpinLock;
  readonly pages: DataPage[] = [];

  constructor(readonly mem: Memory) {
    this.lock = spinLockInit(mem, 'rxq');
  }

  private refill(): void {
    const page = allocPage(this.mem, GFP_KERNEL);
    if (page !== null) this.pages.push(page);
  }

  receive(): DataPage | undefined {
    if (this.pages.length === 0) this.refill();
    return withSpinLock(this.lock, () => {
      return this.pages.pop();
    });
  }

  close(): void {
    for (const page of this.pages) freePage(page);
    this.pages.length = 0;
  }
}

export function run(mem: Memory): void {
  const rxq = new RxQueue(mem);
  const page = rxq.receive();
  if (page !== undefined) freePage(page);
  rxq.close();
}
