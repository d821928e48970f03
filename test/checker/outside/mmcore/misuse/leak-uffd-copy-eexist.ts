// A userfaultfd monitor resolving missing faults from a snapshot. Two threads may race to fault
// the same page: the loser's UFFDIO_COPY sees -EEXIST.
import { allocPage, writeRaw, PAGE_SIZE, GFP_KERNEL, type Memory } from 'memdesc';
import { UffdRange, EEXIST, ENOMEM } from '../lib/uffd.js';

function resolveFault(range: UffdRange, idx: number, snapshot: Uint8Array): number {
  const page = allocPage(range.mem, GFP_KERNEL); // expect: leak
  if (page === null) return ENOMEM;
  writeRaw(page, snapshot.subarray(idx * PAGE_SIZE, (idx + 1) * PAGE_SIZE), 0);
  if (!range.install(idx, page)) return EEXIST; // expect-also: leak
  return 0;
}

export function run(mem: Memory): void {
  const range = new UffdRange(mem, 8);
  const snapshot = new Uint8Array(8 * PAGE_SIZE).fill(0x5a);
  const faults = [0, 1, 2, 1, 5, 2];
  let exist = 0;
  for (const idx of faults) {
    const rc = resolveFault(range, idx, snapshot);
    if (rc === EEXIST) exist++;
    else if (rc !== 0) throw new Error(`uffd: fault ${idx} failed ${rc}`);
  }
  console.log(`uffd: ${range.populated} pages populated, ${exist} raced`);
  range.release();
}
