import { writeRaw, type Memory } from 'memdesc';
import { ZramStore } from '../lib/zram.js';

function verify(zram: ZramStore, slot: number, want: number): boolean {
  const b = new Uint8Array(1);
  return zram.load(slot, b) && b[0] === want;
}

export function run(mem: Memory): void {
  const zram = new ZramStore(mem);
  const data = new Uint8Array(100).fill(0x5a);
  const e = zram.allocEntry(data.length);
  if (!e) return;
  writeRaw(e.obj, data, 0);
  zram.install(4, e);
  if (!verify(zram, 4, 0xa5)) {
    // bad compression: drop the entry
    zram.discard(4);
  }
  zram.destroy();
}
