import { allocPage, freePage, readRaw, GFP_KERNEL, type Memory, type Owned, type Page } from 'memdesc';

export function run(mem: Memory): void {
  let cur: Owned<Page<0>> | null = null;
  for (let i = 0; i < 4; i++) {
    if (cur) freePage(cur);
    cur = allocPage(mem, GFP_KERNEL);
    if (!cur) break;
    readRaw(cur, new Uint8Array(1), 0);
  }
  if (cur) freePage(cur);
  let batch: Owned<Page<0>>[] = [];
  for (let round = 0; round < 2; round++) {
    for (const p of batch) freePage(p);
    batch = [];
    const p = allocPage(mem, GFP_KERNEL);
    if (p) batch.push(p);
  }
  for (const p of batch) freePage(p);
}
