import { kmalloc, kfree, writeRaw, GFP_KERNEL, type Memory } from 'memdesc';
import { AioQueue } from '../lib/aio.js';

export async function run(mem: Memory): Promise<void> {
  const q = new AioQueue();
  const req = kmalloc(mem, 256, GFP_KERNEL);
  if (!req) return;
  writeRaw(req, new Uint8Array([1]), 0);
  let status = -1;
  q.submit((s) => {
    status = s;
    kfree(req); // expect-also: double-free
  });
  await q.drain();
  if (status === 0) kfree(req); // expect: double-free
}
