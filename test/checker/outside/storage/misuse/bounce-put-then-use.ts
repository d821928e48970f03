import { type Memory } from 'memdesc';
import { BouncePool, bounceIn, bounceOut, type BouncePage } from '../lib/bounce.js';

function submitWrite(pool: BouncePool, data: Uint8Array): BouncePage | null {
  const p = pool.get();
  if (!p) return null;
  bounceIn(p, data);
  return p;
}

export function run(mem: Memory): void {
  const pool = new BouncePool(mem, 0); // no idle blocks kept: put() frees
  const p = submitWrite(pool, new Uint8Array([1, 2, 3]));
  if (!p) return;
  pool.put(p); // "I/O done"
  const check = new Uint8Array(3);
  bounceOut(p, check); // expect: use-after-free
}
