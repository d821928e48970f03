// NIC RX refill: the driver walks its descriptor ring and posts a fresh page into every empty
// slot. A slot the device has not consumed yet is skipped before a page is taken from the pool.
import { folioPfn, type Memory } from 'memdesc';
import { PagePool, type RxPage } from '../lib/pagepool.js';

const RING_SIZE = 4;

interface RxSlot {
  page: RxPage | null;
  dmaPfn: number;
}

function refillRing(mem: Memory, pool: PagePool, ring: RxSlot[]): number {
  let posted = 0;
  for (const slot of ring) {
    if (slot.page !== null) continue;
    const page = pool.alloc(mem);
    if (page === null) break;
    slot.page = page;
    slot.dmaPfn = folioPfn(page);
    posted++;
  }
  return posted;
}

export function run(mem: Memory): void {
  const pool = new PagePool(mem, 8);
  pool.refill(mem, 4);
  const ring: RxSlot[] = Array.from({ length: RING_SIZE }, () => ({ page: null, dmaPfn: -1 }));
  if (refillRing(mem, pool, ring) !== RING_SIZE) throw new Error('short refill');

  // The device consumed slots 1 and 3: their pages go back to the pool.
  for (const i of [1, 3]) {
    const slot = ring[i]!;
    if (slot.page !== null) pool.recycle(slot.page);
    slot.page = null;
  }
  refillRing(mem, pool, ring);

  // ndo_stop: every posted page goes back, then the pool goes away.
  for (const slot of ring) {
    if (slot.page !== null) pool.recycle(slot.page);
    slot.page = null;
  }
  pool.destroy();
}
