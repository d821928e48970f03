// virtio-balloon inflate with the driver's own batching: pages are allocated, then checked
// against the host's limit before they are enqueued. When the host is full the page just
// allocated is given back before the early return.
import { freePage, pageToPfn, type Memory } from 'memdesc';
import { BalloonDev, BalloonHost } from '../lib/balloon.js';

const BATCH = 4;

function fillBalloon(mem: Memory, dev: BalloonDev, target: number): number {
  let added = 0;
  const batch: number[] = [];
  while (added < target) {
    const page = BalloonDev.allocPage(mem);
    if (page === null) break;
    if (dev.host.pfns.size + batch.length >= dev.host.limit) {
      freePage(page);
      dev.host.tellInflate(batch);
      return added;
    }
    batch.push(pageToPfn(page));
    dev.enqueue(page);
    added++;
    if (batch.length === BATCH) {
      dev.host.tellInflate(batch.splice(0));
    }
  }
  dev.host.tellInflate(batch);
  return added;
}

export function run(mem: Memory): void {
  const host = new BalloonHost(6);
  const dev = new BalloonDev(mem, host);
  dev.registerShrinker(mem);
  const added = fillBalloon(mem, dev, 10);
  if (added !== 6) throw new Error(`inflated ${added}`);
  // Memory pressure: the shrinker gives some back.
  if (dev.shrink(2) !== 2) throw new Error('shrink');
  dev.remove();
}
