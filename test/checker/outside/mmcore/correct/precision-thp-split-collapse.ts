// THP round trip: a huge folio is split for a partial munmap, the surviving pieces are kept in an
// array, and later collapsed back; handles come back from helpers and are released generically.
import { folioAlloc, folioPut, folioLock, folioUnlock, writeRaw, readRaw, PAGE_SIZE, GFP_KERNEL, type Memory } from 'memdesc';
import { splitFolio, collapseFolios, type SmallFolio, type HugeFolio } from '../lib/khugepaged.js';

function releaseAll<T>(items: T[], put: (item: T) => void): number {
  const n = items.length;
  for (const item of items.splice(0)) put(item);
  return n;
}

function makeHuge(mem: Memory): HugeFolio | null {
  const huge = folioAlloc(mem, GFP_KERNEL, 2);
  if (huge === null) return null;
  const locked = folioLock(huge);
  for (let i = 0; i < 4; i++) writeRaw(locked, new Uint8Array(PAGE_SIZE).fill(0x30 + i), i * PAGE_SIZE);
  folioUnlock(locked);
  return huge;
}

export function run(mem: Memory): void {
  const huge = makeHuge(mem);
  if (huge === null) throw new Error('ENOMEM');
  const pieces: SmallFolio[] | null = splitFolio(mem, huge);
  if (pieces === null) {
    folioPut(huge);
    return;
  }
  const res = collapseFolios(mem, pieces);
  let byte = -1;
  if (res.status === 'collapsed') {
    const b = new Uint8Array(1);
    readRaw(res.huge, b, 3 * PAGE_SIZE);
    byte = b[0] ?? -1;
    folioPut(res.huge);
  } else {
    releaseAll(pieces, folioPut);
  }
  let n = 0;
  const again = makeHuge(mem);
  if (again !== null) {
    const spare = splitFolio(mem, again);
    if (spare === null) folioPut(again); // split failed: the huge folio is still ours
    else n = releaseAll(spare, (f) => folioPut(f));
  }
  console.log(`thp: collapsed byte ${byte}, released ${n}`);
}
