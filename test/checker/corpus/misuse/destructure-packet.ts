/** A packet struct is destructured; the page is freed through the struct and used through the binding. */
import { allocPage, freePage, writeRaw, GFP_KERNEL, type Memory } from 'memdesc';
import { checksumPage, type DataPage } from '../lib/pages.js';

interface Packet {
  page: DataPage;
  len: number;
}

function receive(mem: Memory, payload: Uint8Array): Packet | null {
  const page = allocPage(mem, GFP_KERNEL);
  if (page === null) return null;
  writeRaw(page, payload, 0);
  return { page, len: payload.length };
}

export function run(mem: Memory): void {
  const pkt = receive(mem, new Uint8Array([1, 2, 3, 4]));
  if (pkt === null) return;
  const { page, len } = pkt;
  freePage(pkt.page);
  const sum = checksumPage(page, len); // expect: use-after-free
  if (sum === 0) throw new Error('rx: empty packet');
}
