/**
 * A 4-level page table you can walk — x86-64's layout (PGD → PUD → PMD → PTE, 512 eight-byte
 * entries per table page, bits 12..51 of an entry holding the next pfn) — built from page-table
 * pages (`pagetableAlloc`), walked through the entries written into them, and torn down.
 *
 * The walk keeps no `Map<pfn, PtDesc>`: each entry's pfn leads back to its table through
 * `pagePtdesc(pfnToPage(mem, pfn))`, as the kernel's walkers go from a `pmd_t` to the PTE page
 * with `pmd_page()` / `page_ptdesc()`. The tables' owner is the address space (`mm->pgd` and the
 * tables hung below it): it alone frees them, at teardown; the walk only ever holds borrows.
 *
 * Run it: `node dist/examples/pgtable/walk.js` (after `npm run build`).
 *
 * @module
 */
import {
  allocPage,
  buddyinfo,
  checkLeaks,
  createMemory,
  drainAllPages,
  freePage,
  pagePtdesc,
  pageToPfn,
  pagetableAlloc,
  pagetableFree,
  pfnToPage,
  ptdescAddress,
  ptdescPage,
  readRaw,
  verifyMemory,
  writeRaw,
  GFP_KERNEL,
  MmError,
  __GFP_ZERO,
  type Borrowed,
  type Live,
  type Memory,
  type Owned,
  type Page,
  type PtDesc,
} from 'memdesc';

/** Entries per table page (`PTRS_PER_PGD` … `PTRS_PER_PTE` on x86-64 with 4-level paging). */
export const PTRS_PER_TABLE = 512;
/** `_PAGE_PRESENT`. */
export const _PAGE_PRESENT = 1n;
/** `_PAGE_RW`. */
export const _PAGE_RW = 2n;
/** `PTE_PFN_MASK`: bits 12..51 hold the pfn. */
const PFN_MASK = ((1n << 52n) - 1n) & ~0xfffn;

/** The levels, top first, with the virtual-address bit where each one's index starts. */
export const LEVELS = [
  { name: 'pgd', shift: 39 },
  { name: 'pud', shift: 30 },
  { name: 'pmd', shift: 21 },
  { name: 'pte', shift: 12 },
] as const;

/** The index of `va` in a table of level `level` (`pgd_index()` … `pte_index()`). */
export function tableIndex(va: number, level: number): number {
  return Number((BigInt(va) >> BigInt(LEVELS[level]!.shift)) & BigInt(PTRS_PER_TABLE - 1));
}

/** Reads entry `index` of a table page. */
export function readEntry(table: PtDesc & Live, index: number): bigint {
  const b = new Uint8Array(8);
  readRaw(ptdescAddress(table), b, index * 8);
  return new DataView(b.buffer).getBigUint64(0, true);
}

/** Writes entry `index` of a table page (`set_pgd()` … `set_pte()`). */
export function writeEntry(table: PtDesc & Live, index: number, entry: bigint): void {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, entry, true);
  writeRaw(ptdescAddress(table), b, index * 8);
}

/** An entry pointing at a page frame, present and writable (`pfn_pte(pfn, PAGE_KERNEL)`). */
export function mkEntry(pfn: number): bigint {
  return (BigInt(pfn) << 12n) | _PAGE_PRESENT | _PAGE_RW;
}

/** The pfn an entry points at (`pte_pfn()`). */
export function entryPfn(entry: bigint): number {
  return Number((entry & PFN_MASK) >> 12n);
}

/** One step of a walk: the table visited, the slot read, what it held. */
export interface WalkStep {
  readonly level: (typeof LEVELS)[number]['name'];
  /** The pfn of the table page read at this level. */
  readonly tablePfn: number;
  readonly index: number;
  readonly entry: bigint;
}

/** Where a walk ended: the data page the address maps, or the level with no entry. */
export interface Walk {
  readonly steps: readonly WalkStep[];
  /** The page the PTE maps (a borrow of unknown owner), or null when a level had no entry. */
  readonly page: Borrowed<Page<0>> | null;
}

/** An address space: the top-level table and every table below it, all owned here. */
export class AddressSpace {
  readonly pgd: Owned<PtDesc<0>>;
  /** Every table this address space owns, the PGD first (ownership, not a lookup table). */
  private readonly owned: Owned<PtDesc<0>>[] = [];

  constructor(readonly mem: Memory) {
    const pgd = pagetableAlloc(mem, GFP_KERNEL | __GFP_ZERO, 0);
    if (pgd === null) throw new Error('pgd_alloc(): out of memory');
    this.pgd = pgd;
    this.owned.push(pgd);
  }

  /** Page-table pages owned (`mm_pgtables_bytes() / PAGE_SIZE`). */
  get tables(): number {
    return this.owned.length;
  }

  /** The table an entry points at: `pagePtdesc(pfnToPage(…))`; an entry naming anything else is a bug. */
  private next(entry: bigint, level: number): Borrowed<PtDesc> {
    const table = pagePtdesc(pfnToPage(this.mem, entryPfn(entry)));
    if (table === null) throw new Error(`${LEVELS[level]!.name} entry ${entry.toString(16)} does not point at a page table`);
    return table;
  }

  /**
   * Maps the page at `va` (`__pte_alloc()` and friends, then `set_pte_at()`), allocating the tables
   * that are missing. Returns false when a table could not be allocated.
   */
  map(va: number, page: Page & Live): boolean {
    let table: PtDesc & Live = this.pgd;
    for (let level = 0; level < LEVELS.length - 1; level++) {
      const index = tableIndex(va, level);
      const entry = readEntry(table, index);
      if ((entry & _PAGE_PRESENT) !== 0n) {
        table = this.next(entry, level);
        continue;
      }
      const fresh = pagetableAlloc(this.mem, GFP_KERNEL | __GFP_ZERO, 0);
      if (fresh === null) return false;
      this.owned.push(fresh);
      writeEntry(table, index, mkEntry(pageToPfn(ptdescPage(fresh))));
      table = fresh;
    }
    writeEntry(table, tableIndex(va, LEVELS.length - 1), mkEntry(pageToPfn(page)));
    return true;
  }

  /** Walks `va` from the PGD down, reading each entry and following it to the next table. */
  walk(va: number): Walk {
    const steps: WalkStep[] = [];
    let table: PtDesc & Live = this.pgd;
    for (let level = 0; level < LEVELS.length; level++) {
      const index = tableIndex(va, level);
      const entry = readEntry(table, index);
      steps.push({ level: LEVELS[level]!.name, tablePfn: pageToPfn(ptdescPage(table)), index, entry });
      if ((entry & _PAGE_PRESENT) === 0n) return { steps, page: null };
      if (level === LEVELS.length - 1) return { steps, page: pfnToPage(this.mem, entryPfn(entry)) };
      table = this.next(entry, level);
    }
    throw new Error('unreachable');
  }

  /** Clears the PTE that maps `va` (`pte_clear()`); the tables stay. */
  unmap(va: number): void {
    let table: PtDesc & Live = this.pgd;
    for (let level = 0; level < LEVELS.length - 1; level++) {
      const entry = readEntry(table, tableIndex(va, level));
      if ((entry & _PAGE_PRESENT) === 0n) return;
      table = this.next(entry, level);
    }
    writeEntry(table, tableIndex(va, LEVELS.length - 1), 0n);
  }

  /**
   * `free_pgtables()`: walks every present entry from the PGD down, clearing each one after the
   * table below it was visited, then frees every table it owns. Returns the tables the walk
   * reached (the PGD included); a data page still mapped is an error (unmap first).
   */
  teardown(): number {
    const visit = (table: PtDesc & Live, level: number): number => {
      let reached = 1;
      for (let index = 0; index < PTRS_PER_TABLE; index++) {
        const entry = readEntry(table, index);
        if ((entry & _PAGE_PRESENT) === 0n) continue;
        if (level === LEVELS.length - 1) throw new Error(`teardown: a page is still mapped (pte ${entry.toString(16)})`);
        reached += visit(this.next(entry, level), level + 1);
        writeEntry(table, index, 0n);
      }
      return reached;
    };
    const reached = visit(this.pgd, 0);
    if (reached !== this.owned.length) throw new Error(`teardown: the walk reached ${reached} tables, the address space owns ${this.owned.length}`);
    for (const table of this.owned.splice(0)) pagetableFree(table);
    return reached;
  }
}

/** What {@link runPageTableWalk} found. */
export interface PageTableWalkReport {
  /** Tables built for the three mappings (the PGD included). */
  readonly tables: number;
  /** For each mapped address: the pfn of every table the walk read, top first, and the byte it found in the page. */
  readonly walks: readonly { readonly va: string; readonly tablePfns: readonly number[]; readonly pagePfn: number; readonly byte: number }[];
  /** The level at which the walk of an unmapped address stopped. */
  readonly unmappedStopsAt: string;
  /** What reading through a PTE left pointing at a freed page gives: an MmError code. */
  readonly danglingPte: string;
  /** Tables the teardown walk reached and freed. */
  readonly tornDown: number;
  /** Whether the machine is exactly as it booted afterwards. */
  readonly backToBoot: boolean;
}

/** Builds a table mapping three pages, walks it, shows a dangling PTE, and tears it down. */
export function runPageTableWalk(): PageTableWalkReport {
  const mem = createMemory({ pages: 4096, printk: null });
  const boot = buddyinfo(mem);
  const mm = new AddressSpace(mem);
  const vas = [0x7f12_3456_7000, 0x7f12_3456_8000, 0x5555_5555_4000];
  const pages = vas.map((_, i) => {
    const p = allocPage(mem, GFP_KERNEL | __GFP_ZERO);
    if (p === null) throw new Error('out of memory');
    writeRaw(p, new Uint8Array([0xa0 + i]), 0);
    return p;
  });
  vas.forEach((va, i) => {
    if (!mm.map(va, pages[i]!)) throw new Error('out of memory');
  });
  const tables = mm.tables;

  const walks = vas.map((va) => {
    const w = mm.walk(va);
    if (w.page === null) throw new Error(`0x${va.toString(16)} is not mapped`);
    if (pagePtdesc(w.page) !== null) throw new Error('a PTE led to a page table, not a data page');
    const b = new Uint8Array(1);
    readRaw(w.page, b, 0); // through the borrow the walk produced
    return { va: `0x${va.toString(16)}`, tablePfns: w.steps.map((s) => s.tablePfn), pagePfn: pageToPfn(w.page), byte: b[0]! };
  });
  const miss = mm.walk(0x7f12_4000_0000);
  const unmappedStopsAt = miss.steps[miss.steps.length - 1]!.level;

  // A PTE left pointing at a page that was freed: the walk reaches a free pfn, whose borrow has
  // nothing behind it.
  const victim = allocPage(mem, GFP_KERNEL | __GFP_ZERO);
  if (victim === null) throw new Error('out of memory');
  const danglingVa = 0x7f12_3456_9000;
  if (!mm.map(danglingVa, victim)) throw new Error('out of memory');
  freePage(victim); // the bug: freed while still mapped
  let danglingPte = 'none';
  try {
    const w = mm.walk(danglingVa);
    if (w.page !== null) readRaw(w.page, new Uint8Array(1), 0);
  } catch (e) {
    if (!(e instanceof MmError)) throw e;
    danglingPte = e.code;
  }
  mm.unmap(danglingVa);

  for (const va of vas) mm.unmap(va);
  const tornDown = mm.teardown();
  for (const p of pages) freePage(p);
  drainAllPages(mem);
  checkLeaks(mem);
  verifyMemory(mem);
  return { tables, walks, unmappedStopsAt, danglingPte, tornDown, backToBoot: buddyinfo(mem) === boot };
}

// `node dist/examples/pgtable/walk.js` prints the report.
if (typeof process !== 'undefined' && process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  const r = runPageTableWalk();
  console.log(`built ${r.tables} page-table pages for ${r.walks.length} mappings`);
  for (const w of r.walks) console.log(`  ${w.va}: tables at pfn ${w.tablePfns.join(' → ')} → page pfn ${w.pagePfn}, first byte 0x${w.byte.toString(16)}`);
  console.log(`an unmapped address stops at the ${r.unmappedStopsAt} level`);
  console.log(`a PTE left pointing at a freed page: ${r.danglingPte}`);
  console.log(`teardown walked and freed ${r.tornDown} tables; back to the boot state: ${r.backToBoot ? 'yes' : 'NO'}`);
  if (!r.backToBoot) process.exitCode = 1;
}
