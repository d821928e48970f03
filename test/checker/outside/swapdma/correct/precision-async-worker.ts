// An async vhost worker done right: each descriptor's header and host page live across the
// device transfer's await and are freed once, in `finally`, after it completes; a reset waits
// for in-flight work instead of freeing under it.
import { type Memory } from 'memdesc';
import {
  makeRing, copyToHost, descHeader, headerId, deviceTransfer, releaseHost, releaseHeader,
  type GuestRing,
} from '../lib/vhost.js';

class Worker {
  private readonly inflight = new Set<Promise<void>>();
  constructor(private readonly mem: Memory) {}

  private async one(ring: GuestRing): Promise<void> {
    const d = ring.pop();
    if (d === undefined) return;
    const hdr = descHeader(this.mem, d);
    if (hdr === null) return;
    const page = copyToHost(this.mem, d);
    if (page === null) {
      releaseHeader(hdr);
      return;
    }
    try {
      await deviceTransfer();
      ring.used.push(headerId(hdr));
    } finally {
      releaseHost(page);
      releaseHeader(hdr);
    }
  }

  kick(ring: GuestRing): void {
    const job = this.one(ring).finally(() => this.inflight.delete(job));
    this.inflight.add(job);
  }

  async reset(): Promise<void> {
    await Promise.all(this.inflight);
  }
}

export async function run(mem: Memory): Promise<void> {
  const w = new Worker(mem);
  const ring = makeRing(3);
  w.kick(ring);
  w.kick(ring);
  w.kick(ring);
  await w.reset();
}
