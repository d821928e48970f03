// NIC RX poll loop on a page_pool: each descriptor gets a page, good frames go up the stack.
import { writeRaw, readRaw, type Memory, type Owned, type Page } from 'memdesc';
import { PagePool } from '../lib/page-pool.js';

interface RxDesc {
  len: number;
  csumOk: boolean;
}

/** Deliver a frame: the stack copies it out and hands the page back to the pool. */
function netifReceive(pool: PagePool, page: Owned<Page<0>>, len: number, delivered: number[]): void {
  const hdr = new Uint8Array(Math.min(len, 14));
  readRaw(page, hdr, 0);
  delivered.push(len);
  pool.put(page);
}

export function run(mem: Memory): void {
  const pool = new PagePool(mem, 'eth0-rx', 4);
  const ring: RxDesc[] = [
    { len: 60, csumOk: true },
    { len: 1500, csumOk: false },
    { len: 128, csumOk: true },
  ];
  const delivered: number[] = [];
  for (const desc of ring) {
    const page = pool.get(); // expect: leak
    if (page === null) break;
    writeRaw(page, new Uint8Array(desc.len).fill(0xab), 0); // DMA from the NIC
    if (!desc.csumOk) {
      // bad checksum: drop the frame
      continue; // expect-also: leak
    }
    netifReceive(pool, page, desc.len, delivered);
  }
  pool.destroy();
}
