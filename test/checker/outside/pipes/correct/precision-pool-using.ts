// Scratch pages with `using`, reassignment after a free, and a helper that frees conditionally.
import { allocPage, freePage, writeRaw, readRaw, withPageMapped, GFP_KERNEL, type Memory, type Owned, type Page } from 'memdesc';
import { PagePool } from '../lib/page-pool.js';

/** Returns the page if it is still worth keeping, frees it otherwise. */
function keepIfDirty(page: Owned<Page<0>>): Owned<Page<0>> | null {
  const b = new Uint8Array(1);
  readRaw(page, b, 0);
  if (b[0] === 0) {
    freePage(page);
    return null;
  }
  return page;
}

export function run(mem: Memory): void {
  {
    using scratch = allocPage(mem, GFP_KERNEL);
    if (scratch !== null) {
      const sum = withPageMapped(scratch, (view) => view.reduce((a, x) => a + x, 0));
      if (sum !== 0) throw new Error('fresh page not zeroed?');
    }
  } // scratch freed here

  let cur = allocPage(mem, GFP_KERNEL);
  if (cur === null) return;
  writeRaw(cur, new Uint8Array([1]), 0);
  freePage(cur);
  cur = allocPage(mem, GFP_KERNEL); // reassigned after the free: a new page
  if (cur === null) return;
  const kept = keepIfDirty(cur); // zero page: freed by the helper
  if (kept !== null) freePage(kept);

  const pool = new PagePool(mem, 'scratch', 2);
  pool.refill(3); // the third page does not fit the cache and is freed by put()
  const p = pool.get();
  if (p !== null) {
    writeRaw(p, new Uint8Array([7]), 0);
    const still = keepIfDirty(p);
    if (still !== null) pool.put(still);
  }
  pool.destroy();
}
