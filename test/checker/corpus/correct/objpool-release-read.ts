/** A request object's reply is read, then the object is released through the pool (class in another module). */
import { readRaw, writeRaw, type Memory } from 'memdesc';
import { ObjPool } from '../lib/objpool.js';

export function run(mem: Memory): void {
  const pool = new ObjPool(mem, 'corpus_req', 64);
  const req = pool.alloc();
  const other = pool.alloc(); // keeps the slab alive
  if (req === null || other === null) {
    if (req !== null) pool.release(req);
    if (other !== null) pool.release(other);
    pool.destroy();
    return;
  }
  writeRaw(req, new Uint8Array([0x10, 0x20]), 0);
  const reply = new Uint8Array(2);
  readRaw(req, reply, 0);
  pool.release(req);
  pool.release(other);
  pool.destroy();
}
