// Fragments handed to a longer-lived socket: the write queue owns them until ack, a retransmit
// takes its own reference (clone), and close() frees whatever is still queued.
import { folioGet, folioPut, type Memory } from 'memdesc';
import { PageFragCache, fragFree, fragWrite, fragChecksum, type Frag } from '../lib/page-frag.js';

function fragClone(frag: Frag): Frag {
  return { folio: folioGet(frag.folio), offset: frag.offset, len: frag.len };
}

class TcpSocket {
  private readonly writeQueue: Frag[] = [];
  private readonly inFlight = new Set<Frag>();
  private sndUna = 0;

  constructor(private readonly cache: PageFragCache) {}

  send(data: Uint8Array): boolean {
    const frag = this.cache.alloc(data.length);
    if (frag === null) return false;
    fragWrite(frag, data);
    this.writeQueue.push(frag);
    return true;
  }

  /** Transmits a clone of each queued fragment (the driver puts it on tx completion). */
  transmit(complete: (f: Frag) => void): void {
    for (const f of this.writeQueue) {
      const clone = fragClone(f);
      this.inFlight.add(clone);
      complete(clone);
      this.inFlight.delete(clone);
      fragFree(clone);
    }
  }

  ack(n: number): void {
    for (let i = 0; i < n; i++) {
      const f = this.writeQueue.shift();
      if (f === undefined) break;
      this.sndUna += f.len;
      fragFree(f);
    }
  }

  close(): number {
    const pending = this.writeQueue.length;
    for (const f of this.writeQueue.splice(0)) fragFree(f);
    for (const f of this.inFlight) folioPut(f.folio);
    this.inFlight.clear();
    return pending;
  }
}

export function run(mem: Memory): void {
  const cache = new PageFragCache(mem);
  const sock = new TcpSocket(cache);
  for (let i = 0; i < 5; i++) sock.send(new Uint8Array(700).fill(i));
  let wire = 0;
  sock.transmit((f) => { wire += fragChecksum(f); });
  sock.ack(3);
  const pending = sock.close();
  cache.drain();
  console.log(`tcp: wire ${wire}, ${pending} unacked at close`);
}
