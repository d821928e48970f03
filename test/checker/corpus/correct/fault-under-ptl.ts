/** A page-fault handler allocates the PTE table first (`pte_alloc()`), then writes the entry under the page-table lock. */
import { allocPage, freePage, pageToPfn, ptdescPage, spinLockInit, withSpinLock, GFP_KERNEL, type Memory, type SpinLock } from 'memdesc';
import { PageTable, PTRS_PER_TABLE, newTable, writeEntry, type Table } from '../lib/pgtable.js';

class Mm {
  readonly pt: PageTable;
  readonly ptl: SpinLock;

  constructor(readonly mem: Memory) {
    this.pt = new PageTable(mem);
    this.ptl = spinLockInit(mem, 'ptl');
  }

  faultIn(vpn: number, pfn: number): boolean {
    const i = Math.floor(vpn / PTRS_PER_TABLE);
    let pte: Table | null | undefined = this.pt.ptes.get(i);
    if (pte === undefined) {
      pte = newTable(this.mem);
      if (pte === null) return false;
      this.pt.ptes.set(i, pte);
      writeEntry(this.pt.root, i, pageToPfn(ptdescPage(pte)) + 1);
    }
    const table = pte;
    withSpinLock(this.ptl, () => writeEntry(table, vpn % PTRS_PER_TABLE, pfn + 1));
    return true;
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
