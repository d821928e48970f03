import { writeRaw, GFP_KERNEL, type Memory, type SlabObject } from 'memdesc';
import { newReqCache, type ReqCache } from '../lib/virtio-ring.js';

type Req = SlabObject<'virtblk_req'>;

/** virtblk_done(): completes a request; the request is released with it. */
function completeRequest(cache: ReqCache, req: Req, status: number): number {
  writeRaw(req, new Uint8Array([status, 0xff]), 0);
  cache.free(req);
  return status;
}

export function run(mem: Memory): void {
  const cache = newReqCache(mem);
  const queue: Req[] = [];
  for (let i = 0; i < 3; i++) {
    const req = cache.alloc(GFP_KERNEL);
    if (req !== null) queue.push(req);
  }
  let errors = 0;
  for (const req of queue) {
    const status = completeRequest(cache, req, 0);
    if (status !== 0) errors++;
  }
  queue.length = 0;
  cache.destroy();
  if (errors !== 0) throw new Error('errors');
}
