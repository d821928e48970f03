import { pagetableAlloc, pagetableFree, ptdescAddress, ptdescPage, pageToPfn, pfnToPage, pagePtdesc, readRaw, writeRaw, fillZeroRaw, GFP_KERNEL, PAGE_SIZE, type Memory, type Owned, type PtDesc, type Borrowed } from 'memdesc';

function entry(t: Owned<PtDesc<0>> | Borrowed<PtDesc<number>>, i: number): number {
  const b = new Uint8Array(8);
  readRaw(ptdescAddress(t), b, i * 8);
  return Number(new DataView(b.buffer).getBigUint64(0, true));
}
function setEntry(t: Owned<PtDesc<0>>, i: number, v: number): void {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(v), true);
  writeRaw(ptdescAddress(t), b, i * 8);
}

export function run(mem: Memory): void {
  const root = pagetableAlloc(mem, GFP_KERNEL, 0);
  if (!root) return;
  fillZeroRaw(ptdescAddress(root), 0, PAGE_SIZE);
  const children: Owned<PtDesc<0>>[] = [];
  for (let i = 0; i < 3; i++) {
    const child = pagetableAlloc(mem, GFP_KERNEL, 0);
    if (child === null) break;
    fillZeroRaw(ptdescAddress(child), 0, PAGE_SIZE);
    setEntry(root, i, pageToPfn(ptdescPage(child)) + 1);
    children.push(child);
  }
  for (let i = 0; i < 3; i++) {
    const e = entry(root, i);
    if (e === 0) continue;
    const next = pagePtdesc(pfnToPage(mem, e - 1));
    if (next) entry(next, 0);
  }
  for (const c of children) pagetableFree(c);
  pagetableFree(root);
}
