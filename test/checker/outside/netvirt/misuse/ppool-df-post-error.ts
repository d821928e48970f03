import { freePage, type Memory } from 'memdesc';
import { PagePool, RxRing, type RxPage } from '../lib/page-pool.js';

/** Posts a page and "maps it for DMA"; on a mapping error the page is dropped. */
function postOne(ring: RxRing, i: number, page: RxPage, dmaOk: boolean): boolean {
  ring.post(i, page);
  if (!dmaOk) {
    freePage(page); // expect-also: double-free
    return false;
  }
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
  for (const page of ring.drain()) freePage(page); // expect: double-free
  pool.destroy();
}
