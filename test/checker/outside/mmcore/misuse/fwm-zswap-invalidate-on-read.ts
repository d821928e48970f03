// zswap-like exclusive loads: a swapped-in page is decompressed out of the pool and, for an
// exclusive load, its compressed copy is dropped right away.
import { allocPage, freePage, writeRaw, readRaw, GFP_KERNEL, type Memory } from 'memdesc';
import { ZsPool } from '../lib/zspool.js';

function store(pool: ZsPool, data: Uint8Array): number {
  const h = pool.malloc(data.length);
  if (h === 0) return 0;
  pool.map(h, (obj) => obj.set(data));
  return h;
}

function loadExclusive(pool: ZsPool, h: number, len: number): Uint8Array {
  return pool.map(h, (obj) => {
    const out = obj.slice(0, len);
    pool.free(h); // expect: free-while-mapped
    return out;
  });
}

export function run(mem: Memory): void {
  const pool = new ZsPool(mem, 'zswap');
  const page = allocPage(mem, GFP_KERNEL);
  if (page === null) throw new Error('ENOMEM');
  const rec = new Uint8Array(200).fill(0xab);
  const h = store(pool, rec);
  if (h === 0) throw new Error('zs_malloc failed');
  writeRaw(page, loadExclusive(pool, h, rec.length), 0);
  const check = new Uint8Array(1);
  readRaw(page, check, 0);
  console.log(`zswap: loaded ${check[0]}, ${pool.pages} zspages left`);
  freePage(page);
  pool.destroy();
}
