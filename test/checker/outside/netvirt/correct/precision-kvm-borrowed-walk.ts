import { allocPage, freePage, readRaw, GFP_KERNEL, type Memory } from 'memdesc';
import { GuestMmu } from '../lib/kvm-mmu.js';

/** Walks through borrowed tables and pages; only the MMU frees, at teardown. */
export function run(mem: Memory): void {
  const mmu = GuestMmu.create(mem);
  if (mmu === null) return;
  for (const gfn of [1, 2, 0x40001]) {
    const page = allocPage(mem, GFP_KERNEL);
    if (page === null) break;
    if (!mmu.map(gfn, page)) freePage(page);
  }
  let present = 0;
  for (const gfn of [1, 2, 3, 0x40001]) {
    const hva = mmu.translate(gfn);
    if (hva === null) continue;
    readRaw(hva, new Uint8Array(1), 0);
    present++;
  }
  const back = mmu.unmap(2);
  if (back !== null) freePage(back);
  mmu.destroy();
  if (present !== 3) throw new Error('walk');
}
