/**
 * A two-level page table over ptdescs: a root table of 512 entries, each pointing at a PTE table
 * of 512 entries. Entries are 8 bytes in the table pages (pfn + 1, 0 = not present); the driver
 * keeps the PTE tables' owners in a Map by root index.
 */
import {
  pagetableAlloc,
  pagetableFree,
  ptdescAddress,
  ptdescPage,
  pageToPfn,
  readRaw,
  writeRaw,
  fillZeroRaw,
  GFP_KERNEL,
  PAGE_SIZE,
  type Borrowed,
  type Memory,
  type Owned,
  type PtDesc,
} from 'memdesc';

export const PTRS_PER_TABLE = 512;
export type Table = Owned<PtDesc<0>>;

/** Reads entry `i` of a table. */
export function readEntry(table: Table | Borrowed<PtDesc<0>>, i: number): number {
  const e = new Uint8Array(8);
  readRaw(ptdescAddress(table), e, i * 8);
  return Number(new DataView(e.buffer).getBigUint64(0, true));
}

/** Writes entry `i` of a table. */
export function writeEntry(table: Table, i: number, value: number): void {
  const e = new Uint8Array(8);
  new DataView(e.buffer).setBigUint64(0, BigInt(value), true);
  writeRaw(ptdescAddress(table), e, i * 8);
}

/** A zeroed page-table page, or null on ENOMEM. */
export function newTable(mem: Memory): Table | null {
  const t = pagetableAlloc(mem, GFP_KERNEL, 0);
  if (t !== null) fillZeroRaw(ptdescAddress(t), 0, PAGE_SIZE);
  return t;
}

/** Frees a page-table page. Consumes `table`. */
export function freeTable(table: Table): void {
  pagetableFree(table);
}

/** Whether every entry of a table is empty. */
export function tableEmpty(table: Table): boolean {
  const buf = new Uint8Array(PAGE_SIZE);
  readRaw(ptdescAddress(table), buf, 0);
  return buf.every((b) => b === 0);
}

export class PageTable {
  readonly root: Table;
  /** Root index → the PTE table it points at. */
  readonly ptes = new Map<number, Table>();

  constructor(readonly mem: Memory) {
    const root = newTable(mem);
    if (root === null) throw new Error('pgtable: ENOMEM');
    this.root = root;
  }

  /** Maps virtual page `vpn` to `pfn`, allocating the PTE table on first use. */
  map(vpn: number, pfn: number): boolean {
    const i = Math.floor(vpn / PTRS_PER_TABLE);
    let pte = this.ptes.get(i);
    if (pte === undefined) {
      const t = newTable(this.mem);
      if (t === null) return false;
      this.ptes.set(i, t);
      writeEntry(this.root, i, pageToPfn(ptdescPage(t)) + 1);
      pte = t;
    }
    writeEntry(pte, vpn % PTRS_PER_TABLE, pfn + 1);
    return true;
  }

  /** Walks the table: the pfn `vpn` maps to, or null. */
  walk(vpn: number): number | null {
    const i = Math.floor(vpn / PTRS_PER_TABLE);
    if (readEntry(this.root, i) === 0) return null;
    const pte = this.ptes.get(i);
    if (pte === undefined) return null;
    const e = readEntry(pte, vpn % PTRS_PER_TABLE);
    return e === 0 ? null : e - 1;
  }

  /** Clears `vpn`'s entry (the PTE table stays). */
  unmap(vpn: number): void {
    const pte = this.ptes.get(Math.floor(vpn / PTRS_PER_TABLE));
    if (pte !== undefined) writeEntry(pte, vpn % PTRS_PER_TABLE, 0);
  }

  /** `free_pgtables()`: frees every PTE table and the root. */
  destroy(): void {
    for (const pte of this.ptes.values()) pagetableFree(pte);
    this.ptes.clear();
    pagetableFree(this.root);
  }
}
