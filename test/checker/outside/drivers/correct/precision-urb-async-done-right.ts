// Async done right: the completion handler owns the buffer once the URB is submitted, and
// frees it; the submitter awaits the giveback and never touches the buffer after submit.
import { readRaw, writeRaw, type Memory } from 'memdesc';
import { Hcd, urbAllocBuffer, urbFreeBuffer, type Urb } from '../lib/urb.js';

async function submitAndWait(mem: Memory, hcd: Hcd, id: number): Promise<number> {
  const buf = urbAllocBuffer(mem, 256);
  if (!buf) return -12;
  writeRaw(buf, new Uint8Array(4).fill(id), 0);
  let first = -1;
  hcd.submit({
    id, buf, status: -115,
    complete: (u: Urb) => {
      const b = new Uint8Array(1);
      readRaw(u.buf, b, 0);
      first = b[0] ?? -1;
      urbFreeBuffer(u.buf);
    },
  });
  await hcd.giveback();
  return first;
}

export async function run(mem: Memory): Promise<number> {
  const hcd = new Hcd();
  let sum = 0;
  for (let id = 1; id <= 3; id++) sum += await submitAndWait(mem, hcd, id);
  return sum;
}
