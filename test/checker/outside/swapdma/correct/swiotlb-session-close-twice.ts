// A bounce session owns a private scratch page for misaligned tails, besides its pool slot.
// close() gives the slot back and frees the scratch page.
// Fixed: the error path only reports the error; the caller's finally closes the session once.
import { allocPage, freePage, GFP_KERNEL, type Memory, type Owned, type Page } from 'memdesc';
import { BouncePool, bounceIn, bounceOut, checksum, type Slot } from '../lib/swiotlb.js';

class BounceSession {
  constructor(
    private readonly pool: BouncePool,
    readonly slot: Slot,
    readonly scratch: Owned<Page<0>>,
  ) {}

  close(): void {
    this.pool.put(this.slot);
    freePage(this.scratch);
  }
}

function openSession(mem: Memory, pool: BouncePool): BounceSession | null {
  const slot = pool.get();
  if (slot === null) return null;
  const scratch = allocPage(mem, GFP_KERNEL);
  if (scratch === null) {
    pool.put(slot);
    return null;
  }
  return new BounceSession(pool, slot, scratch);
}

function transfer(s: BounceSession, data: Uint8Array): number {
  bounceIn(s.slot, data);
  const back = bounceOut(s.slot, data.length);
  if (checksum(back) !== checksum(data)) {
    return -5;
  }
  return 0;
}

export function run(mem: Memory): void {
  const pool = new BouncePool(mem, 2);
  const s = openSession(mem, pool);
  if (s !== null) {
    try {
      transfer(s, new Uint8Array(5000).fill(3));
    } finally {
      s.close();
    }
  }
  pool.destroy();
}
