// Prefault: the monitor fills pages ahead of the guest; a page the guest faulted in meanwhile
// comes back as -EEXIST from the install helper.
import { allocPage, freePage, writeRaw, PAGE_SIZE, GFP_KERNEL, type Memory } from 'memdesc';
import { UffdRange, uffdInstallOrFree, uffdCopy, EEXIST } from '../lib/uffd.js';

function prefault(range: UffdRange, from: number, count: number, pattern: number): { done: number; raced: number } {
  let done = 0;
  let raced = 0;
  for (let idx = from; idx < from + count; idx++) {
    const page = allocPage(range.mem, GFP_KERNEL);
    if (page === null) break;
    writeRaw(page, new Uint8Array(PAGE_SIZE).fill(pattern), 0);
    const rc = uffdInstallOrFree(range, idx, page); // expect-also: double-free
    switch (rc) {
      case 0:
        done++;
        break;
      case EEXIST:
        raced++;
        freePage(page); // expect: double-free
        break;
      default:
        throw new Error(`prefault: ${rc}`);
    }
  }
  return { done, raced };
}

export function run(mem: Memory): void {
  const range = new UffdRange(mem, 16);
  uffdCopy(range, 3, new Uint8Array(PAGE_SIZE)); // the guest got there first
  const { done, raced } = prefault(range, 0, 8, 0xee);
  console.log(`prefault: ${done} installed, ${raced} raced`);
  range.release();
}
