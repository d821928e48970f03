import { freePages, type Memory } from 'memdesc';
import { BouncePool, BOUNCE_ORDER, bounceIn } from '../lib/bounce.js';

/** A `done` flag makes the error path and the completion path free the block exactly once. */
export function run(mem: Memory): void {
  const pool = new BouncePool(mem);
  const p = pool.get();
  if (!p) return;
  let done = false;
  const complete = (err: number): void => {
    if (done) return;
    done = true;
    if (err) freePages(p, BOUNCE_ORDER);
    else pool.put(p);
  };
  bounceIn(p, new Uint8Array(8));
  complete(-5);
  complete(0); // a late completion: ignored
  pool.drain();
}
