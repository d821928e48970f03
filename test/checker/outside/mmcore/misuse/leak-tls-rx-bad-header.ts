// TLS receive: each incoming record gets a fragment for its payload; the 5-byte record header is
// validated while it is copied in, and a record with a bad content type is dropped.
import type { Memory } from 'memdesc';
import { PageFragCache, fragFree, fragWrite, fragChecksum, type Frag } from '../lib/page-frag.js';

const CT_APPLICATION_DATA = 23;
const CT_ALERT = 21;

function parseRecords(cache: PageFragCache, wire: Uint8Array[]): Frag[] {
  const queue: Frag[] = [];
  for (const rec of wire) {
    const frag = cache.alloc(rec.length); // expect: leak
    if (frag === null) break;
    const type = rec[0];
    if (type !== CT_APPLICATION_DATA && type !== CT_ALERT) continue; // expect-also: leak
    fragWrite(frag, rec);
    queue.push(frag);
  }
  return queue;
}

export function run(mem: Memory): void {
  const cache = new PageFragCache(mem);
  const rec = (type: number, n: number): Uint8Array => {
    const r = new Uint8Array(n).fill(0x42);
    r[0] = type;
    return r;
  };
  const queue = parseRecords(cache, [rec(23, 300), rec(99, 120), rec(21, 7), rec(23, 900)]);
  let sum = 0;
  for (const f of queue) {
    sum += fragChecksum(f);
    fragFree(f);
  }
  console.log(`tls rx: ${queue.length} records, sum ${sum}`);
  cache.drain();
}
