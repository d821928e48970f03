// virtio-net-like RX queue: a spare page is armed for the next big packet, both from NAPI poll
// and from the refill work that runs when NAPI could not allocate; packets consume it.
import { allocPage, freePage, writeRaw, GFP_KERNEL, type Memory, type Owned, type Page } from 'memdesc';
import { PagePool } from '../lib/page-pool.js';

class RxQueue {
  spare: Owned<Page<0>> | null = null;
  received = 0;
  constructor(readonly mem: Memory, readonly pool: PagePool) {}
}

function armSpare(q: RxQueue): void {
  if (q.spare !== null) return; // already armed
  const page = allocPage(q.mem, GFP_KERNEL);
  if (page === null) return;
  q.spare = page;
}

function receiveBig(q: RxQueue, len: number): boolean {
  const page = q.spare;
  if (page === null) return false;
  q.spare = null;
  writeRaw(page, new Uint8Array(Math.min(len, 4096)), 0);
  q.received++;
  q.pool.put(page); // recycled once the skb is consumed
  return true;
}

export function run(mem: Memory): void {
  const pool = new PagePool(mem, 'virtnet-rx0', 4);
  const q = new RxQueue(mem, pool);
  armSpare(q); // NAPI poll
  receiveBig(q, 9000);
  armSpare(q); // NAPI poll
  armSpare(q); // refill_work raced in
  receiveBig(q, 9000);
  if (q.spare !== null) {
    freePage(q.spare);
    q.spare = null;
  }
  pool.destroy();
}
