import { allocPage, freePage, readRaw, writeRaw, GFP_KERNEL, type Memory } from 'memdesc';
import { GuestMmu } from '../lib/kvm-mmu.js';

export function run(mem: Memory): void {
  const mmu = GuestMmu.create(mem);
  if (mmu === null) return;
  for (let gfn = 0x100; gfn < 0x104; gfn++) {
    const page = allocPage(mem, GFP_KERNEL);
    if (page === null) break;
    writeRaw(page, new Uint8Array([gfn & 0xff]), 0);
    if (!mmu.map(gfn, page)) freePage(page);
  }
  // The emulator resolves the guest's MMIO buffer once, then a balloon request zaps it.
  const hva = mmu.translate(0x102);
  if (hva === null) throw new Error('unmapped');
  mmu.zap(0x102);
  const b = new Uint8Array(1);
  readRaw(hva, b, 0); // expect: use-after-free
  mmu.destroy();
}
