// swiotlb map for a request: take a slot under the pool lock and allocate the request's
// tracking record so the slot and record are published together.
// Fixed: the record is allocated (GFP_KERNEL, may sleep) before taking the pool's spinlock.
import { withSpinLock, type Memory } from 'memdesc';
import { BouncePool, bounceIn, type Slot } from '../lib/swiotlb.js';
import { descHeader, releaseHeader, type DescBuf, type GuestDesc } from '../lib/vhost.js';

interface Mapping { slot: Slot; rec: DescBuf }

function mapRequest(mem: Memory, pool: BouncePool, slots: Slot[], d: GuestDesc): Mapping | null {
  const rec = descHeader(mem, d);
  if (rec === null) return null;
  const slot = withSpinLock(pool.lock, () => slots.pop() ?? null);
  if (slot === null) {
    releaseHeader(rec);
    return null;
  }
  return { slot, rec };
}

export function run(mem: Memory): void {
  const pool = new BouncePool(mem, 2);
  const slots: Slot[] = [];
  const s = pool.get();
  if (s !== null) slots.push(s);
  const m = mapRequest(mem, pool, slots, { id: 1, len: 4, data: new Uint8Array([1, 2, 3, 4]) });
  if (m !== null) {
    bounceIn(m.slot, new Uint8Array([1, 2, 3, 4]));
    releaseHeader(m.rec);
    pool.put(m.slot);
  }
  for (const x of slots) pool.put(x);
  pool.destroy();
}
