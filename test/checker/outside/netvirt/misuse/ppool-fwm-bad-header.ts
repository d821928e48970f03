import { withPageMapped, freePage, type Memory } from 'memdesc';
import { PagePool, RxRing, deviceWrite, type RxPage } from '../lib/page-pool.js';

/** Parses the frame header in place; a runt frame is dropped back to the pool. */
function parseFrame(pool: PagePool, page: RxPage): number {
  return withPageMapped(page, (view) => {
    const len = new DataView(view.buffer, view.byteOffset, 4).getUint32(0, true);
    if (len < 60) {
      pool.release(page); // expect: free-while-mapped
      return -1;
    }
    return len;
  });
}

export function run(mem: Memory): void {
  const pool = new PagePool(mem, { cacheSize: 4 });
  const ring = new RxRing(4);
  ring.fill(pool);
  for (let i = 0; i < ring.size; i++) {
    const page = ring.complete(i);
    if (page === null) continue;
    deviceWrite(page, i === 3 ? 20 : 128);
    const len = parseFrame(pool, page);
    if (len > 0) pool.put(page);
  }
  for (const page of ring.drain()) freePage(page);
  pool.destroy();
}
