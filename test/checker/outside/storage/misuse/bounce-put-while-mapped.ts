import { withPageMapped, type Memory } from 'memdesc';
import { BouncePool } from '../lib/bounce.js';

export function run(mem: Memory): void {
  const pool = new BouncePool(mem, 0);
  const p = pool.get();
  if (!p) return;
  const out = new Uint8Array(64);
  withPageMapped(p, (view) => {
    out.set(view.subarray(0, 64));
    pool.put(p); // expect: free-while-mapped
  });
}
