/** In-flight requests live in a Map; completion releases a request but leaves it in the Map, and the timeout sweep releases it again. */
import { writeRaw, type Memory, type SlabObject } from 'memdesc';
import { ObjPool } from '../lib/objpool.js';

export function run(mem: Memory): void {
  const pool = new ObjPool(mem, 'corpus_io_req', 96);
  const inflight = new Map<number, SlabObject<'corpus_io_req'>>();
  for (let tag = 0; tag < 3; tag++) {
    const req = pool.alloc();
    if (req === null) break;
    writeRaw(req, new Uint8Array([tag]), 0);
    inflight.set(tag, req);
  }
  // completion of tag 1
  const done = inflight.get(1);
  if (done !== undefined) pool.release(done);
  // timeout sweep: everything still in flight is aborted
  for (const req of inflight.values()) pool.release(req); // expect: double-free
  inflight.clear();
  pool.destroy();
}
