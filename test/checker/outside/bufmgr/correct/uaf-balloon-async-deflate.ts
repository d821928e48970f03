// virtio-balloon deflate, the asynchronous way: a batch of pages is taken off the balloon, their
// pfns are read while the pages are still owned, the pages are freed, and the driver waits for
// the host to finish the previous request before it reports the batch.
import { freePage, pageToPfn, type Memory, type Owned, type Page } from 'memdesc';
import { BalloonDev, BalloonHost } from '../lib/balloon.js';

async function deflateAsync(dev: BalloonDev, n: number): Promise<number> {
  const batch: Owned<Page<0>>[] = [];
  while (batch.length < n) {
    const page = dev.dequeue();
    if (page === null) break;
    batch.push(page);
  }
  const pfns = batch.map((page) => pageToPfn(page));
  for (const page of batch) freePage(page);
  await dev.host.kick();
  dev.host.tellDeflate(pfns);
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
