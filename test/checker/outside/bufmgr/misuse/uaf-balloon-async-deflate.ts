// virtio-balloon deflate, the asynchronous way: a batch of pages is taken off the balloon and
// freed, then the driver waits for the host to finish the previous request before it reports
// the batch -- reading each pfn from a page it has already freed.
import { freePage, pageToPfn, type Memory, type Owned, type Page } from 'memdesc';
import { BalloonDev, BalloonHost } from '../lib/balloon.js';

async function deflateAsync(dev: BalloonDev, n: number): Promise<number> {
  const batch: Owned<Page<0>>[] = [];
  while (batch.length < n) {
    const page = dev.dequeue();
    if (page === null) break;
    batch.push(page);
  }
  for (const page of batch) freePage(page); // expect-also: use-after-free
  await dev.host.kick();
  dev.host.tellDeflate(batch.map((page) => pageToPfn(page))); // expect: use-after-free
  return batch.length;
}

export async function run(mem: Memory): Promise<void> {
  const host = new BalloonHost(32);
  const dev = new BalloonDev(mem, host);
  dev.inflate(mem, 8);
  const released = await deflateAsync(dev, 4);
  if (released !== 4 || host.pfns.size !== 4) throw new Error('deflate mismatch');
  dev.remove();
}
