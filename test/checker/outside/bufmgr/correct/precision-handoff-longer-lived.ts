// Precision: handles allocated here and handed to longer-lived structures that free them later
// -- pages adopted by the fixed-buffer table, pages enqueued into the balloon, a key published
// into a keyring, a folio parked in the page_pool's cache. Nothing is freed in this function.
import { allocPage, pageToPfn, GFP_KERNEL, type Memory, type Owned, type Page } from 'memdesc';
import { FixedBufTable, copyFromFixed } from '../lib/fixedbuf.js';
import { BalloonDev, BalloonHost } from '../lib/balloon.js';
import { Keyring, keyAlloc, keyWritePayload } from '../lib/keyring.js';
import { PagePool } from '../lib/pagepool.js';

function setup(mem: Memory, table: FixedBufTable, dev: BalloonDev, ring: Keyring, pool: PagePool): void {
  const pages: Owned<Page<0>>[] = [];
  for (let i = 0; i < 2; i++) {
    const p = allocPage(mem, GFP_KERNEL);
    if (p === null) break;
    pages.push(p);
  }
  table.adopt(0, pages); // the table owns them now

  const spare = BalloonDev.allocPage(mem);
  if (spare !== null) {
    dev.host.tellInflate([pageToPfn(spare)]);
    dev.enqueue(spare); // the balloon owns it now
  }

  const key = keyAlloc(mem);
  if (key !== null) {
    keyWritePayload(key, new TextEncoder().encode('asymmetric'));
    ring.instantiate('asymmetric:boot', key); // the ring holds the reference
  }

  const rx = pool.alloc(mem);
  if (rx !== null) pool.recycle(rx); // back into the pool's cache
}

export function run(mem: Memory): void {
  const table = new FixedBufTable(1);
  const dev = new BalloonDev(mem, new BalloonHost(8));
  const ring = new Keyring();
  const pool = new PagePool(mem, 4);
  setup(mem, table, dev, ring, pool);
  if (copyFromFixed(table.lookup(0)!, 0, 4).length !== 4 || dev.count !== 1 || ring.size !== 1 || pool.cached !== 1) {
    throw new Error('setup incomplete');
  }
  table.destroy();
  dev.remove();
  ring.clear();
  pool.destroy();
}
