/** XDP on a kmapped rx page: the verdict is computed in the mapping; the drop recycles after unmapping. */
import { withPageMapped, type Memory, type Owned, type Page, type Live } from 'memdesc';
import { RxRing, rxRecycle } from '../lib/nic-ring.js';

const XDP_DROP = 1;
const XDP_PASS = 2;

function runXdp(page: Owned<Page<0>> & Live): number {
  const verdict = withPageMapped(page, (view) => (view[0] === 0xff ? XDP_DROP : XDP_PASS));
  rxRecycle(page); // dropped, or copied up the stack: either way the page goes back
  return verdict;
}

export function run(mem: Memory): void {
  const ring = new RxRing(2);
  ring.refill(mem);
  ring.dmaWrite(0, new Uint8Array([0xff]));
  const page = ring.take(0);
  if (page !== null) runXdp(page);
  ring.close();
}
