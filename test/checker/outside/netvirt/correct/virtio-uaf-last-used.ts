import { kfree, readRaw, type Memory } from 'memdesc';
import { VirtQueue, allocRxBuf, RX_GFP } from '../lib/virtio-ring.js';

/** debugfs: dumps the first byte of the last buffer the driver took back. */
function dumpLastUsed(vq: VirtQueue): number {
  const buf = vq.lastUsed;
  if (buf === null) return -1;
  const b = new Uint8Array(1);
  readRaw(buf, b, 0);
  return b[0]!;
}

export function run(mem: Memory): void {
  const vq = new VirtQueue(mem, 4);
  for (let i = 0; i < 4; i++) {
    const buf = allocRxBuf(mem, RX_GFP);
    if (buf === null) break;
    if (vq.addBuf(buf) < 0) kfree(buf);
  }
  vq.deviceUse(0);
  vq.deviceUse(1);
  let rx = 0;
  let last = -1;
  for (let buf = vq.getBuf(); buf !== null; buf = vq.getBuf()) {
    rx++;
    last = dumpLastUsed(vq);
    vq.lastUsed = null;
    kfree(buf);
  }
  vq.freeUnused();
  if (rx !== 2 || last < 0) throw new Error('rx');
}
