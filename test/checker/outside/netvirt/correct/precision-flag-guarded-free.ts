import { freePages, allocPages, fillZeroRaw, gfp, GFP_KERNEL, __GFP_COMP, type Memory } from 'memdesc';

/** A flag says whether the error path already released the block. */
export function run(mem: Memory): void {
  for (let attempt = 0; attempt < 2; attempt++) {
    const block = allocPages(mem, gfp(GFP_KERNEL, __GFP_COMP), 2);
    if (block === null) return;
    let released = false;
    if (attempt === 0) {
      freePages(block, 2); // the device rejected the size: give it back now
      released = true;
    }
    if (!released) {
      fillZeroRaw(block, 0, 64);
      freePages(block, 2);
    }
  }
}
