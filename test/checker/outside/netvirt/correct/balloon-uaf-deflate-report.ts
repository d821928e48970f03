import { readRaw, memdescAddress, type Memory } from 'memdesc';
import { Balloon, Host, balloonPageAlloc, poison, pfnOf, type BalloonHandle } from '../lib/balloon.js';

/** Inflates with pages the driver also tracks for its statistics report. */
function inflateTracked(balloon: Balloon, n: number, tracked: BalloonHandle[]): void {
  for (let i = 0; i < n; i++) {
    const page = balloonPageAlloc(balloon.mem);
    if (page === null) return;
    poison(page);
    tracked.push(page);
    if (!balloon.enqueue(page, pfnOf(page))) return;
  }
}

export function run(mem: Memory): void {
  const balloon = new Balloon(mem, new Host());
  const tracked: BalloonHandle[] = [];
  inflateTracked(balloon, 4, tracked);
  // update_balloon_stats() before deflating: every tracked page is still in the balloon
  let poisoned = 0;
  const b = new Uint8Array(1);
  for (const page of tracked) {
    readRaw(memdescAddress(page), b, 0);
    if (b[0] === 0xba) poisoned++;
  }
  tracked.length = 0;
  balloon.leak(2);
  balloon.destroy();
  if (poisoned === 0) throw new Error('stats');
}
