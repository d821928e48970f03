/** A batch allocator gives up when one allocation fails and drops the pages it already got. */
import { allocPage, failPageAlloc, freePage, gfp, GFP_KERNEL, __GFP_NOWARN, type Memory } from 'memdesc';
import { type DataPage } from '../lib/pages.js';

function allocBatch(mem: Memory, n: number): DataPage[] | null {
  const out: DataPage[] = [];
  for (let i = 0; i < n; i++) {
    const page = allocPage(mem, gfp(GFP_KERNEL, __GFP_NOWARN)); // expect: leak
    if (page === null) return null; // expect-also: leak
    out.push(page);
  }
  return out;
}

export function run(mem: Memory): void {
  failPageAlloc(mem, { failNth: 3 }); // the third allocation fails
  const batch = allocBatch(mem, 4);
  if (batch !== null) for (const page of batch) freePage(page);
}
