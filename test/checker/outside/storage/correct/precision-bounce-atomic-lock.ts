import { withSpinLock, type Memory } from 'memdesc';
import { BouncePool, bounceIn, type BouncePage } from '../lib/bounce.js';

/** Under a lock only GFP_ATOMIC allocations; the block is given back outside it. */
export function run(mem: Memory): void {
  const pool = new BouncePool(mem, 1);
  pool.fill(1);
  const got: BouncePage[] = [];
  withSpinLock(pool.lock, (ctx) => {
    for (let i = 0; i < 2; i++) {
      const p = pool.getAtomic(ctx);
      if (p) got.push(p);
    }
  });
  for (const p of got) {
    bounceIn(p, new Uint8Array(16));
    pool.put(p);
  }
  pool.drain();
}
