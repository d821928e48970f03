/** A packet builder returns early on an oversized payload and frees the page it already allocated. */
import { allocPage, freePage, writeRaw, GFP_KERNEL, PAGE_SIZE, type Memory } from 'memdesc';
import { writeHeader, type DataPage } from '../lib/pages.js';

function buildPacket(mem: Memory, payload: Uint8Array): DataPage | null {
  const page = allocPage(mem, GFP_KERNEL);
  if (page === null) return null;
  if (payload.length > PAGE_SIZE - 8) {
    freePage(page);
    return null;
  }
  writeHeader(page, 1, payload.length);
  writeRaw(page, payload, 8);
  return page;
}

export function run(mem: Memory): void {
  for (const size of [100, PAGE_SIZE]) {
    const pkt = buildPacket(mem, new Uint8Array(size));
    if (pkt !== null) freePage(pkt);
  }
}
