import { memdescFree, type Memory } from 'memdesc';
import { Balloon, Host, balloonPageAlloc, pfnOf, type BalloonHandle } from '../lib/balloon.js';

/** Inflates n pages; a page the host refuses is retried with the next allocation. */
function fillBalloon(balloon: Balloon, n: number): number {
  let done = 0;
  let page: BalloonHandle | null = null;
  for (let tries = 0; done < n && tries < 2 * n; tries++) {
    page = balloonPageAlloc(balloon.mem); // expect: leak
    if (page === null) break;
    if (balloon.enqueue(page, pfnOf(page))) {
      page = null;
      done++;
    }
  }
  if (page !== null) memdescFree(page);
  return done;
}

export function run(mem: Memory): void {
  const host = new Host();
  const balloon = new Balloon(mem, host);
  const probe = balloonPageAlloc(mem);
  if (probe === null) return;
  const nextPfn = pfnOf(probe) + 1;
  memdescFree(probe);
  host.nak.add(nextPfn);
  fillBalloon(balloon, 3);
  balloon.destroy();
}
