import { freePage, type Memory } from 'memdesc';
import { PagePool, RxRing } from '../lib/page-pool.js';

/** Pages handed to the longer-lived ring are not leaked by the function that allocated them. */
function prime(pool: PagePool, ring: RxRing): number {
  let n = 0;
  for (let i = 0; i < ring.size; i++) {
    const page = pool.get();
    if (page === null) break;
    if (ring.post(i, page)) n++;
    else pool.put(page);
  }
  return n;
}

export function run(mem: Memory): void {
  const pool = new PagePool(mem, { cacheSize: 2 });
  const ring = new RxRing(4);
  prime(pool, ring);
  for (const page of ring.drain()) freePage(page);
  pool.destroy();
}
