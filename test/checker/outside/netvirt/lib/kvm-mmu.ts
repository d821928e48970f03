// A KVM-like guest memory map (arch/x86/kvm/mmu, simplified): a 3-level table of ptdesc pages
// maps guest frame numbers to host pages the MMU owns. Tables under mmu_lock come from a
// per-vCPU memory cache topped up beforehand (kvm_mmu_topup_memory_cache()).
import {
  pagetableAlloc,
  pagetableFree,
  ptdescAddress,
  ptdescPage,
  pagePtdesc,
  pfnToPage,
  pageToPfn,
  readRaw,
  writeRaw,
  spinLockInit,
  freePage,
  GFP_KERNEL,
  __GFP_ZERO,
  gfp,
  type Borrowed,
  type Memory,
  type Owned,
  type Page,
  type PtDesc,
  type SpinLock,
  type Live,
} from 'memdesc';

export type Table = Owned<PtDesc<0>>;
export type GuestPage = Owned<Page<0>>;

const PT_GFP = gfp(GFP_KERNEL, __GFP_ZERO);
const PRESENT = 1n;

export function readEntry(table: Table | Borrowed<PtDesc>, idx: number): number {
  const b = new Uint8Array(8);
  readRaw(ptdescAddress(table), b, idx * 8);
  const e = new DataView(b.buffer).getBigUint64(0, true);
  return (e & PRESENT) === 0n ? -1 : Number(e >> 12n);
}

export function writeEntry(table: Table | Borrowed<PtDesc>, idx: number, pfn: number): void {
  const b = new Uint8Array(8);
  if (pfn >= 0) new DataView(b.buffer).setBigUint64(0, (BigInt(pfn) << 12n) | PRESENT, true);
  writeRaw(ptdescAddress(table), b, idx * 8);
}

export function levelIndex(gfn: number, level: number): number {
  return (gfn >> (9 * level)) & 511;
}

/** kvm_mmu_memory_cache: page tables allocated in process context, consumed under mmu_lock. */
export class MmuCache {
  readonly objs: Table[] = [];
  constructor(readonly mem: Memory) {}
  topUp(min: number): boolean {
    while (this.objs.length < min) {
      const t = pagetableAlloc(this.mem, PT_GFP, 0);
      if (t === null) return false;
      this.objs.push(t);
    }
    return true;
  }
  free(): void {
    for (const t of this.objs.splice(0)) pagetableFree(t);
  }
}

export class GuestMmu {
  readonly root: Table;
  readonly lock: SpinLock;
  /** Every table below the root, owned here; entries only lead to them. */
  readonly tables: Table[] = [];
  /** The guest pages this MMU owns, by gfn. */
  readonly pages = new Map<number, GuestPage>();

  private constructor(
    readonly mem: Memory,
    root: Table,
    readonly cache: MmuCache,
  ) {
    this.root = root;
    this.lock = spinLockInit(mem, 'mmu_lock');
  }

  static create(mem: Memory): GuestMmu | null {
    const root = pagetableAlloc(mem, PT_GFP, 0);
    if (root === null) return null;
    return new GuestMmu(mem, root, new MmuCache(mem));
  }

  /** The next-level table an entry names, as a borrow (the walker never owns it). */
  child(table: Table | Borrowed<PtDesc>, idx: number): Borrowed<PtDesc> | null {
    const pfn = readEntry(table, idx);
    if (pfn < 0) return null;
    return pagePtdesc(pfnToPage(this.mem, pfn));
  }

  private newTable(): Table | null {
    // Under mmu_lock this must come from the cache; the fallback may sleep.
    const t = this.cache.objs.pop() ?? pagetableAlloc(this.mem, PT_GFP, 0);
    if (t !== null) this.tables.push(t);
    return t;
  }

  /** Maps gfn to page; the MMU owns the page from now on. False (page untouched) if gfn is taken. */
  map(gfn: number, page: GuestPage & Live): boolean {
    if (this.pages.has(gfn)) return false;
    let table: Table | Borrowed<PtDesc> = this.root;
    for (let level = 2; level > 0; level--) {
      const idx = levelIndex(gfn, level);
      let next: Table | Borrowed<PtDesc> | null = this.child(table, idx);
      if (next === null) {
        const t = this.newTable();
        if (t === null) return false;
        writeEntry(table, idx, pageToPfn(ptdescPage(t)));
        next = t;
      }
      table = next;
    }
    writeEntry(table, levelIndex(gfn, 0), pageToPfn(page));
    this.pages.set(gfn, page);
    return true;
  }

  /** The host page behind gfn, borrowed. */
  translate(gfn: number): Borrowed<Page<0>> | null {
    let table: Borrowed<PtDesc> | Table | null = this.root;
    for (let level = 2; level > 0 && table !== null; level--) table = this.child(table, levelIndex(gfn, level));
    if (table === null) return null;
    const pfn = readEntry(table, levelIndex(gfn, 0));
    return pfn < 0 ? null : pfnToPage(this.mem, pfn);
  }

  private leafOf(gfn: number): Borrowed<PtDesc> | Table | null {
    let table: Borrowed<PtDesc> | Table | null = this.root;
    for (let level = 2; level > 0 && table !== null; level--) table = this.child(table, levelIndex(gfn, level));
    return table;
  }

  /** Clears gfn's entry and hands its page to the caller. */
  unmap(gfn: number): GuestPage | null {
    const page = this.pages.get(gfn);
    if (page === undefined) return null;
    const leaf = this.leafOf(gfn);
    if (leaf !== null) writeEntry(leaf, levelIndex(gfn, 0), -1);
    this.pages.delete(gfn);
    return page;
  }

  /** kvm_zap_gfn_range() for one gfn: clears the entry and frees the guest page. */
  zap(gfn: number): boolean {
    const page = this.unmap(gfn);
    if (page === null) return false;
    freePage(page);
    return true;
  }

  /** Tears everything down: guest pages, tables, the cache, the root. */
  destroy(): void {
    for (const gfn of [...this.pages.keys()]) this.zap(gfn);
    for (const t of this.tables.splice(0)) pagetableFree(t);
    this.cache.free();
    pagetableFree(this.root);
  }
}
