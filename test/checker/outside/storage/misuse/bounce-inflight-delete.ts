import { type Memory } from 'memdesc';
import { BouncePool, bounceIn, type BouncePage } from '../lib/bounce.js';

export function run(mem: Memory): void {
  const pool = new BouncePool(mem, 2);
  const inflight = new Map<number, BouncePage>();
  for (let tag = 0; tag < 3; tag++) {
    const p = pool.get(); // expect: leak
    if (!p) break;
    bounceIn(p, new Uint8Array([tag]));
    inflight.set(tag, p);
  }
  // completions arrive; tag 1 is a flush and carries no data back
  for (const tag of [0, 1, 2]) {
    const p = inflight.get(tag);
    if (!p) continue;
    if (tag === 1) {
      inflight.delete(tag); // expect-also: leak
      continue;
    }
    inflight.delete(tag);
    pool.put(p);
  }
  pool.drain();
}
