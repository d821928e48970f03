import { freePage, type Memory } from 'memdesc';
import { PagePool, RxRing } from '../lib/page-pool.js';

/** Refills slots [from, to): stops when the ring reports a busy slot. */
function refillRange(pool: PagePool, ring: RxRing, from: number, to: number): number {
  let posted = 0;
  for (let i = from; i < to; i++) {
    const page = pool.get(); // expect: leak
    if (page === null) break;
    if (!ring.post(i, page)) return posted; // expect-also: leak
    posted++;
  }
  return posted;
}

export function run(mem: Memory): void {
  const pool = new PagePool(mem, { cacheSize: 2 });
  const ring = new RxRing(8);
  ring.fill(pool);
  const back = ring.complete(3);
  if (back !== null) pool.put(back);
  const n = refillRange(pool, ring, 3, 8);
  if (n !== 1) throw new Error(`posted ${n}`);
  for (const page of ring.drain()) freePage(page);
  pool.destroy();
}
