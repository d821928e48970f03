import { allocPage, freePage, readRaw, GFP_KERNEL, type Memory } from 'memdesc';
import { AioQueue } from '../lib/aio.js';

export async function run(mem: Memory): Promise<void> {
  const q = new AioQueue();
  const page = allocPage(mem, GFP_KERNEL);
  if (!page) return;
  const out = new Uint8Array(8);
  q.submit(() => readRaw(page, out, 0)); // expect-also: use-after-free
  const release = (): void => freePage(page);
  release();
  await q.drain(); // expect: use-after-free
}
