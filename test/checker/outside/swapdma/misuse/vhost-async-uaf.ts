// The vhost worker copies each descriptor's header, starts the device transfer and completes
// the descriptor when it finishes. A cancel (guest reset) frees in-flight headers.
// Bug: the worker reads the header after the await, but the reset ran meanwhile and freed it.
import { type Memory } from 'memdesc';
import { makeRing, descHeader, headerId, deviceTransfer, releaseHeader, type DescBuf } from '../lib/vhost.js';

class Worker {
  readonly inflight = new Set<DescBuf>();
  constructor(private readonly mem: Memory) {}

  reset(): void {
    for (const h of this.inflight) releaseHeader(h); // expect-also: use-after-free
    this.inflight.clear();
  }

  async handle(ring: ReturnType<typeof makeRing>): Promise<void> {
    const d = ring.pop();
    if (d === undefined) return;
    const hdr = descHeader(this.mem, d);
    if (hdr === null) return;
    this.inflight.add(hdr);
    await deviceTransfer();
    ring.used.push(headerId(hdr)); // expect: use-after-free
    this.inflight.delete(hdr);
    releaseHeader(hdr);
  }
}

export async function run(mem: Memory): Promise<void> {
  const w = new Worker(mem);
  const ring = makeRing(2);
  const job = w.handle(ring);
  w.reset();
  await job;
}
