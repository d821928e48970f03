import { allocPage, freePage, withSpinLock, GFP_KERNEL, type Memory } from 'memdesc';
import { GuestMmu } from '../lib/kvm-mmu.js';

/** The page-fault path: the host page is faulted in and the table cache topped up, then mmu_lock. */
function handleFault(mmu: GuestMmu, gfn: number): boolean {
  const page = allocPage(mmu.mem, GFP_KERNEL);
  if (page === null) return false;
  if (!mmu.cache.topUp(2)) {
    freePage(page);
    return false;
  }
  const ok = withSpinLock(mmu.lock, () => mmu.map(gfn, page));
  if (!ok) freePage(page);
  return ok;
}

export function run(mem: Memory): void {
  const mmu = GuestMmu.create(mem);
  if (mmu === null) return;
  handleFault(mmu, 0x40000);
  mmu.destroy();
}
