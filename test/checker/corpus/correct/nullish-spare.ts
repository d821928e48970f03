/**
 * `??`: the receive buffer is the device's spare page if it has one, else a fresh page. The spare is
 * taken out of `dev.spare` when it is handed out, so the refill check sees no spare.
 */
import { allocPage, GFP_KERNEL, type Memory } from 'memdesc';
import { readHeader, releasePage, writeHeader, type DataPage } from '../lib/pages.js';

interface RxDev {
  spare: DataPage | null;
}

export function run(mem: Memory): void {
  const dev: RxDev = { spare: allocPage(mem, GFP_KERNEL) };
  const buf = dev.spare ?? allocPage(mem, GFP_KERNEL);
  dev.spare = null;
  if (buf === null) return;
  writeHeader(buf, 7, 32);
  releasePage(buf); // the packet was consumed
  if (dev.spare !== null && readHeader(dev.spare).len !== 0) {
    dev.spare = null; // the spare is dirty: drop the pointer
  }
}
