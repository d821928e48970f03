import { type Memory } from 'memdesc';
import { BufRing } from '../lib/uring-buf.js';
import { folioAlloc, folioPut, GFP_KERNEL } from 'memdesc';

/** Takes a pin out of the ring's Map, then drops it: the Map no longer holds it. */
export function run(mem: Memory): void {
  const ring = BufRing.create(mem, 4);
  if (ring === null) return;
  for (let i = 0; i < 3; i++) {
    const user = folioAlloc(mem, GFP_KERNEL, 0);
    if (user === null) break;
    ring.register(i, user, 4096);
    folioPut(user);
  }
  const pin = ring.take(1);
  if (pin !== null) folioPut(pin);
  ring.destroy();
}
