import { writeRaw, type Memory } from 'memdesc';
import { ZramStore, type ZEntry } from '../lib/zram.js';

/** A local entry freed and then reassigned a fresh one before its next use. */
export function run(mem: Memory): void {
  const zram = new ZramStore(mem);
  let e: ZEntry | null = zram.allocEntry(50);
  for (const len of [120, 700]) {
    if (!e) break;
    zram.releaseEntry(e);
    e = zram.allocEntry(len);
    if (e) writeRaw(e.obj, new Uint8Array(len), 0);
  }
  if (e) zram.install(9, e);
  zram.destroy();
}
