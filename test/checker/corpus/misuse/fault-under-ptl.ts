/** A page-fault handler maps a page under the page-table lock; `map()` (another module) may allocate a PTE table with GFP_KERNEL. */
import { allocPage, freePage, pageToPfn, spinLockInit, withSpinLock, GFP_KERNEL, type Memory, type SpinLock } from 'memdesc';
import { PageTable } from '../lib/pgtable.js';

class Mm {
  readonly pt: PageTable;
  readonly ptl: SpinLock;

  constructor(readonly mem: Memory) {
    this.pt = new PageTable(mem);
    this.ptl = spinLockInit(mem, 'ptl');
  }

  faultIn(vpn: number, pfn: number): boolean {
    return withSpinLock(this.ptl, () => this.pt.map(vpn, pfn)); // expect: sleep-in-atomic
  }
}

export function run(mem: Memory): void {
  const mm = new Mm(mem);
  const page = allocPage(mem, GFP_KERNEL);
  if (page === null) return;
  mm.faultIn(3, pageToPfn(page));
  mm.pt.destroy();
  freePage(page);
}
