import { readRaw, type Memory } from 'memdesc';
import { PagePool, RxRing, deviceWrite, type RxPage } from '../lib/page-pool.js';

interface Skb {
  head: RxPage;
  len: number;
}

function groReceive(skb: Skb): number {
  const b = new Uint8Array(4);
  readRaw(skb.head, b, 0);
  return new DataView(b.buffer).getUint32(0, true) + skb.len;
}

export function run(mem: Memory): void {
  const pool = new PagePool(mem, { cacheSize: 4 });
  const ring = new RxRing(4);
  ring.fill(pool);
  let total = 0;
  for (let i = 0; i < ring.size; i++) {
    const page = ring.complete(i);
    if (page === null) continue;
    deviceWrite(page, 64 + i);
    const skb: Skb = { head: page, len: 64 + i };
    const pfmemalloc = i === 2;
    total += groReceive(skb);
    if (pfmemalloc) pool.release(page);
    else pool.put(page);
  }
  pool.destroy();
  if (total < 0) throw new Error('bad total');
}
