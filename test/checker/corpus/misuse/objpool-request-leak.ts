/**
 * A kmem_cache-backed request pool: `submit` returns early on an oversized payload without giving
 * the request object back. (Module exit destroys the cache only once every object is back.)
 */
import { readRaw, writeRaw, type Memory } from 'memdesc';
import { ObjPool } from '../lib/objpool.js';

function submit(pool: ObjPool<'corpus_req'>, payload: Uint8Array): boolean {
  const req = pool.alloc(); // expect: leak
  if (req === null) return false;
  if (payload.length > 64) return false; // expect-also: leak
  writeRaw(req, payload, 0);
  readRaw(req, new Uint8Array(payload.length), 0);
  pool.release(req);
  return true;
}

export function run(mem: Memory): void {
  const pool = new ObjPool(mem, 'corpus_req', 64);
  submit(pool, new Uint8Array(32));
  submit(pool, new Uint8Array(100));
  if (pool.inUse === 0) pool.destroy();
}
