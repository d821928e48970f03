// sendmsg path: fragments are queued to the device; if the device refuses the batch the
// error path unwinds the fragments, and the common exit drops what is still held.
import type { Memory } from 'memdesc';
import { PageFragCache, fragFree, fragWrite, type Frag } from '../lib/page-frag.js';

class TxRing {
  private readonly slots: Frag[] = [];
  constructor(private readonly depth: number) {}
  post(batch: Frag[]): void {
    if (this.slots.length + batch.length > this.depth) throw new Error('EAGAIN: tx ring full');
    this.slots.push(...batch);
  }
  reap(): number {
    const n = this.slots.length;
    for (const f of this.slots.splice(0)) fragFree(f);
    return n;
  }
}

function sendmsg(cache: PageFragCache, ring: TxRing, msg: Uint8Array, seg: number): number {
  const batch: Frag[] = [];
  try {
    for (let off = 0; off < msg.length; off += seg) {
      const frag = cache.alloc(Math.min(seg, msg.length - off));
      if (frag === null) throw new Error('ENOMEM');
      fragWrite(frag, msg.subarray(off, off + frag.len));
      batch.push(frag);
    }
    ring.post(batch);
    batch.length = 0; // the ring owns them now
    return msg.length;
  } catch {
    return -11;
  } finally {
    for (const f of batch) fragFree(f);
  }
}

export function run(mem: Memory): void {
  const cache = new PageFragCache(mem);
  const ring = new TxRing(4);
  const msg = new Uint8Array(2048).fill(3);
  const a = sendmsg(cache, ring, msg, 1024);
  const b = sendmsg(cache, ring, msg, 512);
  console.log(`sendmsg: ${a} ${b}, reaped ${ring.reap()}`);
  cache.drain();
}
