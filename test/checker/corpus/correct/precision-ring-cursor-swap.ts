/**
 * A double-buffered rx cursor: the alias names the old buffer, the variable moves on; each freed once.
 *
 * Kernel: double-buffered rx cursors (the old buffer retired when the next is ready).
 * Protocol: `prev` names the old buffer and `cur` moves on to a new one; each buffer
 * is freed exactly once, the last one after the loop.
 * The variable is reassigned before the free of the buffer it used to name.
 */
import { allocPage, freePage, writeRaw, GFP_KERNEL, type Memory, type Owned, type Page } from 'memdesc';

export function run(mem: Memory): void {
  let cur: Owned<Page<0>> | null = allocPage(mem, GFP_KERNEL);
  for (let round = 0; round < 3 && cur !== null; round++) {
    const prev: Owned<Page<0>> = cur;
    writeRaw(prev, new Uint8Array([round]), 0);
    cur = allocPage(mem, GFP_KERNEL); // the next buffer
    freePage(prev); // the old one is done
  }
  if (cur !== null) freePage(cur);
}
