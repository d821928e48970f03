/** XDP on a kmapped rx page: a drop verdict recycles the page from inside the mapping. */
import { withPageMapped, type Memory, type Owned, type Page, type Live } from 'memdesc';
import { RxRing, rxRecycle } from '../lib/nic-ring.js';

const XDP_DROP = 1;
const XDP_PASS = 2;

function runXdp(page: Owned<Page<0>> & Live): number {
  return withPageMapped(page, (view) => {
    const verdict = view[0] === 0xff ? XDP_DROP : XDP_PASS;
    if (verdict === XDP_DROP) rxRecycle(page); // expect: free-while-mapped
    return verdict;
  });
}

export function run(mem: Memory): void {
  const ring = new RxRing(2);
  ring.refill(mem);
  ring.dmaWrite(0, new Uint8Array([0xff]));
  const page = ring.take(0);
  if (page !== null) runXdp(page);
  ring.close();
}
