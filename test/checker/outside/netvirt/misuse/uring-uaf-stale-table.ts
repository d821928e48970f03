import { folioAlloc, folioPut, readRaw, GFP_KERNEL, type Memory, type VmallocArea } from 'memdesc';
import { BufRing } from '../lib/uring-buf.js';

/** The fast path caches the table pointer for a batch of submissions. */
class SubmitBatch {
  private readonly table: VmallocArea;
  constructor(readonly ring: BufRing) {
    this.table = ring.table;
  }
  lenOf(idx: number): number {
    const e = new Uint8Array(8);
    readRaw(this.table, e, idx * 16); // expect: use-after-free
    return new DataView(e.buffer).getUint32(4, true);
  }
}

export function run(mem: Memory): void {
  const ring = BufRing.create(mem, 4);
  if (ring === null) return;
  const user = folioAlloc(mem, GFP_KERNEL, 0);
  if (user !== null) {
    ring.register(1, user, 512);
    folioPut(user);
  }
  const batch = new SubmitBatch(ring);
  let total = batch.lenOf(1);
  ring.resize(16); // IORING_REGISTER_BUFFERS_UPDATE grows the table mid-batch
  total += batch.lenOf(1);
  ring.destroy();
  if (total !== 1024) throw new Error('len');
}
