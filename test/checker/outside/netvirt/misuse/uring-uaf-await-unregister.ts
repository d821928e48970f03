import { folioAlloc, folioPut, folioLock, folioUnlock, writeRaw, GFP_KERNEL, type Memory } from 'memdesc';
import { BufRing, copyFromPinned } from '../lib/uring-buf.js';

/** The submission side: a fixed-buffer read completes after the device answers. */
async function readFixed(ring: BufRing, idx: number, len: number): Promise<number> {
  const pin = ring.lookup(idx);
  if (pin === null) return -1;
  await Promise.resolve(); // the request is in flight
  const data = copyFromPinned(pin, len); // expect: use-after-free
  return data[0]!;
}

export async function run(mem: Memory): Promise<void> {
  const ring = BufRing.create(mem, 8);
  if (ring === null) return;
  const user = folioAlloc(mem, GFP_KERNEL, 0);
  if (user === null) {
    ring.destroy();
    return;
  }
  const locked = folioLock(user);
  writeRaw(locked, new Uint8Array([7]), 0);
  folioUnlock(locked);
  ring.register(0, user, 4096);
  folioPut(user); // the process unmaps its buffer: only the ring's pin keeps it
  const pending = readFixed(ring, 0, 16);
  ring.unregister(0); // expect-also: use-after-free
  const first = await pending;
  ring.destroy();
  if (first !== 7) throw new Error('data');
}
