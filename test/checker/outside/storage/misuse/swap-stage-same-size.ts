import { kmalloc, kfree, writeRaw, readRaw, GFP_KERNEL, type Memory } from 'memdesc';
import { ZramStore } from '../lib/zram.js';

/** Compresses into a kmalloc'd workspace, then stores; skips a slot that already holds the same size. */
function stage(mem: Memory, zram: ZramStore, slot: number, data: Uint8Array): boolean {
  const work = kmalloc(mem, 2048, GFP_KERNEL); // expect: leak
  if (!work) return false;
  writeRaw(work, data, 0);
  if (zram.lookup(slot)?.len === data.length) return false; // expect-also: leak
  const packed = new Uint8Array(data.length);
  readRaw(work, packed, 0);
  kfree(work);
  return zram.store(slot, packed);
}

export function run(mem: Memory): void {
  const zram = new ZramStore(mem);
  zram.store(7, new Uint8Array(48));
  stage(mem, zram, 7, new Uint8Array(48).fill(1));
  stage(mem, zram, 8, new Uint8Array(300).fill(2));
  zram.destroy();
}
