import { readRaw, type Memory } from 'memdesc';
import { PagePool, deviceWrite, type RxPage } from '../lib/page-pool.js';

/** XDP frames in flight to a redirect target, by frame id. */
class XdpInflight {
  readonly frames = new Map<number, RxPage>();
  constructor(readonly pool: PagePool) {}
  /** The target dropped frame id: its page goes back to the pool. */
  drop(id: number): void {
    const page = this.frames.get(id);
    if (page !== undefined) this.pool.release(page);
  }
  bytes(): number {
    let n = 0;
    const b = new Uint8Array(4);
    for (const page of this.frames.values()) {
      readRaw(page, b, 0); // expect: use-after-free
      n += new DataView(b.buffer).getUint32(0, true);
    }
    return n;
  }
  flush(): void {
    for (const [id, page] of this.frames) {
      this.frames.delete(id);
      this.pool.put(page);
    }
  }
}

export function run(mem: Memory): void {
  const pool = new PagePool(mem, { cacheSize: 8 });
  const xdp = new XdpInflight(pool);
  for (let id = 0; id < 4; id++) {
    const page = pool.get();
    if (page === null) break;
    deviceWrite(page, 100 + id);
    xdp.frames.set(id, page);
  }
  xdp.drop(2);
  const bytes = xdp.bytes();
  xdp.flush();
  pool.destroy();
  if (bytes === 0) throw new Error('no bytes');
}
