/**
 * A request object is released to its kmem_cache and the next allocation gets the same object
 * back; the old handle is then read. (Addresses are numbers: see the report's runtime gaps.)
 */
import { readRaw, writeRaw, type Memory } from 'memdesc';
import { ObjPool } from '../lib/objpool.js';

export function run(mem: Memory): void {
  const pool = new ObjPool(mem, 'corpus_req', 64);
  const first = pool.alloc();
  if (first === null) return;
  writeRaw(first, new Uint8Array([1, 1, 1, 1]), 0);
  pool.release(first);
  const second = pool.alloc();
  if (second === null) return;
  writeRaw(second, new Uint8Array([2, 2, 2, 2]), 0);
  const out = new Uint8Array(4);
  readRaw(first, out, 0); // expect: use-after-free
  pool.release(second);
  pool.destroy();
}
