/** A transaction takes a page from the pool and returns early on an oversized payload without giving it back. */
import { PAGE_SIZE, writeRaw, type Memory } from 'memdesc';
import { PagePool } from '../lib/page-pool.js';

function transact(pool: PagePool, payload: Uint8Array): number {
  const page = pool.get(); // expect: leak
  if (page === null) return -12; // ENOMEM
  if (payload.length > PAGE_SIZE) return -22; // expect-also: leak
  writeRaw(page, payload, 0);
  pool.put(page);
  return 0;
}

export function run(mem: Memory): void {
  const pool = new PagePool(mem, 'corpus-pool');
  try {
    transact(pool, new Uint8Array(64));
    transact(pool, new Uint8Array(PAGE_SIZE + 1));
  } finally {
    pool.destroy();
  }
}
