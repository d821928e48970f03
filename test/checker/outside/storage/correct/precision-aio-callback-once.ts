import { kmalloc, kfree, writeRaw, GFP_KERNEL, type Memory, type KmallocPtr } from 'memdesc';
import { AioQueue } from '../lib/aio.js';

/** Ownership goes to the completion, which runs exactly once and frees it; the caller does not. */
export async function run(mem: Memory): Promise<void> {
  const q = new AioQueue();
  const reqs: KmallocPtr[] = [];
  for (let i = 0; i < 3; i++) {
    const r = kmalloc(mem, 128, GFP_KERNEL);
    if (r) reqs.push(r);
  }
  for (const r of reqs) {
    writeRaw(r, new Uint8Array([1]), 0);
    q.submit(() => kfree(r));
  }
  reqs.length = 0;
  const n = await q.drain();
  if (n !== 3) throw new Error('lost completion');
}
