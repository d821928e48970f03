import { spinLockInit, withSpinLock, type Memory } from 'memdesc';
import { BouncePool, bounceIn, type BouncePage } from '../lib/bounce.js';

interface Request { id: number; page: BouncePage | null }

export function run(mem: Memory): void {
  const pool = new BouncePool(mem);
  const queueLock = spinLockInit(mem, 'request_queue');
  const queue: Request[] = [{ id: 1, page: null }];
  withSpinLock(queueLock, (ctx) => {
    for (const rq of queue) rq.page = pool.getAtomic(ctx);
  });
  for (const rq of queue) {
    if (!rq.page) continue;
    bounceIn(rq.page, new Uint8Array([rq.id]));
    pool.put(rq.page);
  }
  pool.drain();
}
