/**
 * A Binder-like page pool (another module): a client reads its page, gives it back with `put()`,
 * and memory pressure runs the shrinker.
 */
import { type Memory } from 'memdesc';
import { PagePool } from '../lib/page-pool.js';
import { readHeader, writeHeader } from '../lib/pages.js';

export function run(mem: Memory): void {
  const pool = new PagePool(mem, 'corpus-pool');
  const page = pool.get();
  if (page !== null) {
    writeHeader(page, 21, 4);
    console.assert(readHeader(page).seq === 21);
    pool.put(page); // the pool owns it from here on
    pool.shrink(8); // memory pressure
  }
  pool.destroy();
}
