// THP collapse and split. collapse() copies four small folios into one order-2 folio; on success
// it has consumed the small folios (their references are put), on failure the caller keeps them.
// split() is the reverse and consumes the large folio on success.
import {
  folioAlloc, folioPut, folioLock, folioUnlock, readRaw, writeRaw, PAGE_SIZE,
  GFP_KERNEL, type Memory, type ARef, type Folio,
} from 'memdesc';

export type SmallFolio = ARef<Folio<0>>;
export type HugeFolio = ARef<Folio<2>>;
export const HPAGE_NR = 4;

export type CollapseResult =
  | { readonly status: 'collapsed'; readonly huge: HugeFolio }
  | { readonly status: 'no-memory' }
  | { readonly status: 'not-aligned' };

export function collapseFolios(mem: Memory, smalls: readonly SmallFolio[]): CollapseResult {
  if (smalls.length !== HPAGE_NR) return { status: 'not-aligned' };
  const huge = folioAlloc(mem, GFP_KERNEL, 2);
  if (huge === null) return { status: 'no-memory' };
  const locked = folioLock(huge);
  const buf = new Uint8Array(PAGE_SIZE);
  smalls.forEach((f, i) => {
    readRaw(f, buf, 0);
    writeRaw(locked, buf, i * PAGE_SIZE);
  });
  folioUnlock(locked);
  for (const f of smalls) folioPut(f);
  return { status: 'collapsed', huge };
}

export function splitFolio(mem: Memory, huge: HugeFolio): SmallFolio[] | null {
  const out: SmallFolio[] = [];
  const buf = new Uint8Array(PAGE_SIZE);
  for (let i = 0; i < HPAGE_NR; i++) {
    const f = folioAlloc(mem, GFP_KERNEL, 0);
    if (f === null) {
      for (const g of out) folioPut(g);
      return null;
    }
    readRaw(huge, buf, i * PAGE_SIZE);
    const locked = folioLock(f);
    writeRaw(locked, buf, 0);
    folioUnlock(locked);
    out.push(f);
  }
  folioPut(huge);
  return out;
}

export function fillSmall(f: SmallFolio, byte: number): void {
  const locked = folioLock(f);
  writeRaw(locked, new Uint8Array(PAGE_SIZE).fill(byte), 0);
  folioUnlock(locked);
}
