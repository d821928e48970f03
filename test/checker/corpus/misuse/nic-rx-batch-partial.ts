/** Bulk rx buffer allocation: a descriptor-ring full error returns and drops the pages gathered so far. */
import { allocPage, GFP_KERNEL, type Memory, type Owned, type Page } from 'memdesc';
import { RxRing } from '../lib/nic-ring.js';

function refillBatch(mem: Memory, ring: RxRing, want: number): number {
  const batch: Owned<Page<0>>[] = [];
  for (let i = 0; i < want; i++) {
    const p = allocPage(mem, GFP_KERNEL); // expect: leak
    if (p === null) break;
    batch.push(p);
  }
  const free = ring.slots.filter((s) => s === null).length;
  if (free < batch.length) return -28; // expect-also: leak
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
