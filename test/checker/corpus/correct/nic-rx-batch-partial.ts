/** Bulk rx buffer allocation: a descriptor-ring full error frees the pages gathered so far. */
import { allocPage, freePage, GFP_KERNEL, type Memory, type Owned, type Page } from 'memdesc';
import { RxRing } from '../lib/nic-ring.js';

function refillBatch(mem: Memory, ring: RxRing, want: number): number {
  const batch: Owned<Page<0>>[] = [];
  for (let i = 0; i < want; i++) {
    const p = allocPage(mem, GFP_KERNEL);
    if (p === null) break;
    batch.push(p);
  }
  const free = ring.slots.filter((s) => s === null).length;
  if (free < batch.length) {
    for (const p of batch.splice(0)) freePage(p);
    return -28;
  }
  let posted = 0;
  for (let i = 0; i < ring.size && batch.length > 0; i++) {
    const p = batch.pop();
    if (ring.slots[i] === null && p !== undefined) {
      ring.post(i, p);
      posted++;
    } else if (p !== undefined) batch.push(p);
  }
  return posted;
}

export function run(mem: Memory): void {
  const ring = new RxRing(4);
  refillBatch(mem, ring, 3);
  refillBatch(mem, ring, 3);
  ring.close();
}
