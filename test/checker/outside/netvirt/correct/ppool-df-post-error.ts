import { freePage, type Memory } from 'memdesc';
import { PagePool, RxRing, type RxPage } from '../lib/page-pool.js';

/** "Maps the page for DMA" and posts it; on a mapping error the page is dropped, never posted. */
function postOne(ring: RxRing, i: number, page: RxPage, dmaOk: boolean): boolean {
  if (!dmaOk) {
    freePage(page);
    return false;
  }
  ring.post(i, page);
  return true;
}

export function run(mem: Memory): void {
  const pool = new PagePool(mem, { cacheSize: 0 });
  const ring = new RxRing(4);
  for (let i = 0; i < ring.size; i++) {
    const page = pool.get();
    if (page === null) break;
    if (!postOne(ring, i, page, i !== 1)) break;
  }
  for (const page of ring.drain()) freePage(page);
  pool.destroy();
}
