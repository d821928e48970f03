// `using` for the per-request scratch page: every exit of the bounce path (early return on a
// bad length, an exception, the normal end) frees it exactly once.
import { allocPage, freePage, writeRaw, readRaw, GFP_KERNEL, type Memory } from 'memdesc';
import { BouncePool, bounceIn, bounceOut, checksum } from '../lib/swiotlb.js';

function bounceWrite(mem: Memory, pool: BouncePool, data: Uint8Array): number {
  using scratch = allocPage(mem, GFP_KERNEL);
  if (scratch === null) return -12;
  if (data.length === 0) return -22; // `using` frees the scratch page here too
  writeRaw(scratch, data.subarray(0, 16), 0);
  const slot = pool.get();
  if (slot === null) return -11;
  try {
    bounceIn(slot, data);
    if (data.length > 4096) throw new RangeError('request larger than a slot');
    const back = bounceOut(slot, data.length);
    const head = new Uint8Array(Math.min(16, data.length));
    readRaw(scratch, head, 0);
    return checksum(back) === checksum(data) ? 0 : -5;
  } finally {
    pool.put(slot);
  }
}

export function run(mem: Memory): void {
  const pool = new BouncePool(mem, 2);
  const results: number[] = [];
  for (const len of [64, 0, 5000, 4096]) {
    try {
      results.push(bounceWrite(mem, pool, new Uint8Array(len).fill(7)));
    } catch {
      results.push(-75);
    }
  }
  // a page freed by hand inside a `using` scope is left alone at the scope's end
  {
    using p = allocPage(mem, GFP_KERNEL);
    if (p !== null) freePage(p);
  }
  pool.destroy();
}
