// TLS record transmit: the record is split into fragments carved from the page_frag cache; on tx
// completion the fragments are freed. The trailer's checksum is logged for the MAC trace.
import type { Memory } from 'memdesc';
import { PageFragCache, fragFree, fragWrite, fragChecksum, type Frag } from '../lib/page-frag.js';

function buildRecord(cache: PageFragCache, payload: Uint8Array, mtu: number): Frag[] {
  const frags: Frag[] = [];
  for (let off = 0; off < payload.length; off += mtu) {
    const frag = cache.alloc(Math.min(mtu, payload.length - off));
    if (frag === null) {
      for (const f of frags) fragFree(f);
      return [];
    }
    fragWrite(frag, payload.subarray(off, off + frag.len));
    frags.push(frag);
  }
  return frags;
}

function txComplete(frags: Frag[]): number {
  let bytes = 0;
  for (const f of frags) {
    bytes += f.len;
    fragFree(f);
  }
  frags.length = 0;
  return bytes;
}

export function run(mem: Memory): void {
  const cache = new PageFragCache(mem);
  const payload = new Uint8Array(3000).map((_, i) => i & 0xff);
  const frags = buildRecord(cache, payload, 1200);
  const trailer = frags[frags.length - 1];
  let wire = 0;
  for (const f of frags) wire += fragChecksum(f);
  const mac = trailer !== undefined ? fragChecksum(trailer) : 0;
  const sent = txComplete(frags);
  console.log(`tls: sent ${sent} bytes, wire sum ${wire}, trailer ${mac}`);
  cache.drain();
}
