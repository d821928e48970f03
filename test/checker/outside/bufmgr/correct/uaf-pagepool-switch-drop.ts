// NIC RX: the driver classifies each received packet; dropped packets give their fragment back
// to the page_pool at once. The byte counters are updated before the switch, while every
// fragment is still held.
import { readRaw, type Memory } from 'memdesc';
import { PagePool, RxRing, packetBytes, type RxDesc } from '../lib/pagepool.js';

type Verdict = 'pass' | 'drop' | 'redirect';

function classify(desc: RxDesc): Verdict {
  const first = packetBytes(desc)[0];
  return first === 0xff ? 'drop' : first === 0x01 ? 'redirect' : 'pass';
}

/** The wire length is in the first two bytes of each frame. */
function wireLen(desc: RxDesc): number {
  const b = new Uint8Array(2);
  readRaw(desc.frag, b, desc.offset);
  return (b[0] ?? 0) + (b[1] ?? 0);
}

export function run(mem: Memory): void {
  const pool = new PagePool(mem, 8);
  const ring = new RxRing(pool);
  const frames = [new Uint8Array([0x10, 64]), new Uint8Array([0xff, 60]), new Uint8Array([0x01, 90])];
  const stack: RxDesc[] = [];
  const redirected: RxDesc[] = [];
  const stats = { rxBytes: 0, dropped: 0 };

  for (const f of frames) {
    const desc = ring.receive(mem, f);
    if (desc === null) break;
    stats.rxBytes += wireLen(desc);
    switch (classify(desc)) {
      case 'pass':
        stack.push(desc);
        break;
      case 'redirect':
        redirected.push(desc);
        break;
      case 'drop':
        stats.dropped++;
        pool.putFrag(desc.frag);
        break;
    }
  }

  for (const d of [...stack, ...redirected]) pool.putFrag(d.frag);
  ring.close();
  pool.destroy();
}
