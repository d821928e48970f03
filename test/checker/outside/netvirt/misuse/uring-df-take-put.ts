import { folioAlloc, folioPut, GFP_KERNEL, type Memory } from 'memdesc';
import { BufRing, copyFromPinned, type UserFolio } from '../lib/uring-buf.js';

/** A request that took over a buffer's pin; it drops the pin when it completes. */
interface FixedReq {
  idx: number;
  pin: UserFolio;
}

function complete(req: FixedReq): number {
  const n = copyFromPinned(req.pin, 8)[0]!;
  folioPut(req.pin); // expect-also: double-free
  return n;
}

export function run(mem: Memory): void {
  const ring = BufRing.create(mem, 4);
  if (ring === null) return;
  for (let i = 0; i < 2; i++) {
    const user = folioAlloc(mem, GFP_KERNEL, 0);
    if (user === null) break;
    ring.register(i, user, 4096);
    folioPut(user);
  }
  const reqs: FixedReq[] = [];
  for (let i = 0; i < 2; i++) {
    const pin = ring.take(i);
    if (pin !== null) reqs.push({ idx: i, pin });
  }
  for (const req of reqs) complete(req);
  // io_uring_cancel: requests still listed get their pins dropped
  for (const req of reqs) folioPut(req.pin); // expect: double-free
  ring.destroy();
}
