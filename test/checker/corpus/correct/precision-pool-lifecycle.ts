/** The Binder-like pool (another module) through a whole life: get, put, shrink, get again (reused or new), destroy. */
import { type Memory } from 'memdesc';
import { PagePool } from '../lib/page-pool.js';
import { fillPage, type DataPage } from '../lib/pages.js';

export function run(mem: Memory): void {
  const pool = new PagePool(mem, 'corpus-pool');
  const taken: DataPage[] = [];
  for (let i = 0; i < 4; i++) {
    const page = pool.get();
    if (page !== null) {
      fillPage(page, i, 8);
      taken.push(page);
    }
  }
  for (const page of taken) pool.put(page);
  taken.length = 0;
  pool.shrink(2);
  const again = pool.get();
  if (again !== null) pool.put(again);
  pool.destroy();
}
