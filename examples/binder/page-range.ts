/**
 * Binder's shrinkable page range, in memdesc — modelled on the kernel's
 * `drivers/android/binder/page_range.rs` (Rust Binder) and `binder_alloc.c`.
 *
 * A process's Binder buffer is a range of pages mapped into its address space. Each slot is in one
 * of three states:
 *
 * - **Free** — no page.
 * - **Used** — a page, mapped and holding transaction data; not on the LRU.
 * - **Available** — a page nobody uses right now, kept on the shrinker's LRU: a new transaction
 *   can take it back without the mmap lock (the fast path), or reclaim can free it (the shrinker).
 *
 * This file is the protocol, written once. What a slot holds is the part that varies: a
 * {@link BinderDesign} says how to allocate, map, unmap, read, write and give back one page, and
 * `designs.ts` has three of them — bare pages (`Owned<Page<0>>`, mainline Binder), order-0 folios
 * (`ARef<Folio<0>>`, refcounted the way Rust-for-Linux v21 made `Page`), and Binder's own memdesc
 * (`Owned<BinderPage>`, ownable and not refcounted, as Matthew Wilcox proposes).
 *
 * Lock order, as in the kernel: mmap lock, then the range spinlock, then the LRU. The shrinker
 * takes them in the other order and so only *tries* (`mmget_not_zero`, `stable_trylock_mm`,
 * `mmap_read_trylock`, `spin_trylock`): a busy lock makes it skip the page (`LRU_SKIP`).
 *
 * @module
 */
import {
  gfp,
  listLruAdd,
  listLruCount,
  listLruContains,
  listLruDel,
  listLruInit,
  listLruWalk,
  shrinkerAlloc,
  shrinkerFree,
  shrinkerRegister,
  spinIsLocked,
  spinLockInit,
  withSpinLock,
  GFP_KERNEL,
  LRU_REMOVED_RETRY,
  LRU_SKIP,
  PAGE_SIZE,
  __GFP_HIGHMEM,
  __GFP_ZERO,
  type Consumed,
  type ListLru,
  type Live,
  type LruStatus,
  type Memory,
  type Shrinker,
  type SpinLock,
} from 'memdesc';

/** The three memory types of the comparison. */
export type DesignName = 'page' | 'folio' | 'memdesc';

/** Reference-count operations a design made on Binder's pages. */
export interface RefcountOps {
  /** `folio_get()` / `get_page()` calls. */
  gets: number;
  /** `folio_put()` / `put_page()` calls (the last one of a folio frees it). */
  puts: number;
}

/**
 * What a design keeps per page, in the simulator's 16-byte memmap row (`kind`, `order`, `flags`,
 * `gen`, and the two words `u0`/`u1` whose meaning belongs to the memdesc).
 */
export interface PageMetadata {
  /** The memdesc that owns a Binder page, as `memStats().byKind` names it. */
  readonly memdesc: 'bare' | 'folio' | 'custom';
  /** What `u0` holds for a Binder page. */
  readonly u0: string;
  /** What `u1` holds for a Binder page. */
  readonly u1: string;
  /** Bytes of the row that carry this design's state (kind 1, order 1, flags 2, gen 4, u0 4, u1 4). */
  readonly bytesUsed: number;
  /** Whether the page has a reference count. */
  readonly refcount: boolean;
  /** Whether the page has a mapcount. */
  readonly mapcount: boolean;
}

/**
 * The memory type of a Binder page range — everything the protocol does to one page, and nothing
 * else. `Slot` is what a slot holds.
 */
export interface BinderDesign<Slot extends object> {
  readonly name: DesignName;
  /** The slot's type, as the source spells it. */
  readonly slotType: string;
  /** The upstream design it corresponds to. */
  readonly upstream: string;
  /** Gets and puts made so far on Binder's pages. */
  readonly refcountOps: RefcountOps;
  /** `folio_lock()` / `folio_unlock()` pairs taken to write (a folio is written under its lock). */
  readonly locks: { count: number };
  /** What a page's memmap row holds in this design. */
  readonly metadata: PageMetadata;
  /** `use_page_slow()`'s `Page::alloc_page(GFP_KERNEL | __GFP_HIGHMEM | __GFP_ZERO)`. */
  alloc(mem: Memory): (Slot & Live) | null;
  /** `vm_insert_page()`: the page appears in the process's address space. */
  mapUser(page: Slot): void;
  /** `zap_page_range_single()`: it disappears from it. */
  unmapUser(page: Slot): void;
  /**
   * Whether the slot is the page's last holder apart from its own user mapping — the shrinker
   * frees only such a page (for an owned page: always).
   */
  holdsLast(page: Slot, mapped: boolean): boolean;
  /** The slot lets go of its page: a free, or the slot's put (the last one frees it). */
  release(page: Slot): asserts page is Slot & Consumed;
  /** `Page::write_raw`: copies `src` into the page at `offset`. */
  write(page: Slot, src: Uint8Array, offset: number): void;
  /** `Page::read_raw`: copies from the page at `offset` into `dst`. */
  read(page: Slot, dst: Uint8Array, offset: number): void;
  /** `page_to_pfn()`. */
  pfn(page: Slot): number;
  /** The page's reference count and mapcount as the runtime reports them (null: it has none). */
  observe(page: Slot): { readonly refcount: number | null; readonly mapcount: number | null };
}

/** `struct page_info`: one slot of a range. */
export interface PageInfo<Slot extends object> {
  readonly range: ShrinkablePageRange<Slot>;
  readonly index: number;
  /** Free: null. Used or Available: the page (Available = also on the shrinker's LRU). */
  page: Slot | null;
}

/**
 * Puts a page into a slot. The parameter is `Slot & Live`: a page that was freed or put (or may
 * have been, on some path) does not compile here. (Fields are typed `Slot`, not `Slot & Live`: a
 * variable of a type that declares the consumed key cannot be narrowed by a free.)
 */
export function installPage<Slot extends object>(info: PageInfo<Slot>, page: Slot & Live): void {
  info.page = page;
}

/** The GFP flags Binder allocates its pages with (`use_page_slow`). */
export const BINDER_PAGE_GFP = gfp(GFP_KERNEL, __GFP_ZERO, __GFP_HIGHMEM);

/**
 * The process's `mmap_lock`, as far as Binder cares: writers (mmap, munmap) and readers
 * (`vm_insert_page`, page faults, the shrinker's zap) — the shrinker only ever *tries* to read-lock
 * it.
 */
export class MmapLock {
  private writer = false;
  private readers = 0;
  writeLock(): void {
    if (this.writer || this.readers > 0) throw new Error('mmap_write_lock(): would deadlock (single task)');
    this.writer = true;
  }
  writeUnlock(): void {
    this.writer = false;
  }
  readLock(): void {
    if (this.writer) throw new Error('mmap_read_lock(): would deadlock (single task holds it for writing)');
    this.readers++;
  }
  readTrylock(): boolean {
    if (this.writer) return false;
    this.readers++;
    return true;
  }
  readUnlock(): void {
    this.readers--;
  }
  get writeLocked(): boolean {
    return this.writer;
  }
}

/** A sleeping lock that the shrinker only tries: the range's `mm_lock` mutex. */
export class Mutex {
  private held = false;
  lock(): void {
    if (this.held) throw new Error('mutex_lock(): would deadlock (single task)');
    this.held = true;
  }
  tryLock(): boolean {
    if (this.held) return false;
    this.held = true;
    return true;
  }
  unlock(): void {
    this.held = false;
  }
}

/** Why the shrinker skipped pages (`LRU_SKIP`), by the trylock that failed. */
export interface ShrinkerSkips {
  /** `mmget_not_zero()` failed: the process is exiting. */
  mmExiting: number;
  /** `stable_trylock_mm()`: the range's `mm_lock` was held (a slow path installing a page). */
  mmLock: number;
  /** `mmap_read_trylock()`: the process holds its mmap lock for writing (an mmap in progress). */
  mmapLock: number;
  /** `spin_trylock()` of the range lock. */
  rangeLock: number;
  /** Someone other than the slot and its mapping holds a reference (folios only). */
  pinned: number;
}

/** The counters a {@link BinderShrinker} keeps. */
export interface BinderShrinkerStats {
  /** `scan_objects` calls (shrinker passes). */
  scans: number;
  /** Pages the shrinker gave back to the page allocator. */
  freed: number;
  /** Pages it had to skip (a failed trylock, or another holder) → `LRU_SKIP`. */
  skipped: number;
  /** The same, by cause. */
  readonly skips: ShrinkerSkips;
}

/**
 * The Binder shrinker and its LRU, shared by every page range of a machine (the kernel has one,
 * `binder_shrinker` with `binder_freelist`). The design is fixed here: every range of a machine
 * holds the same memory type.
 */
export class BinderShrinker<Slot extends object> {
  readonly lru: ListLru<PageInfo<Slot>>;
  readonly shrinker: Shrinker;
  readonly stats: BinderShrinkerStats = {
    scans: 0,
    freed: 0,
    skipped: 0,
    skips: { mmExiting: 0, mmLock: 0, mmapLock: 0, rangeLock: 0, pinned: 0 },
  };

  constructor(
    readonly mem: Memory,
    readonly design: BinderDesign<Slot>,
  ) {
    this.lru = listLruInit<PageInfo<Slot>>(mem);
    this.shrinker = shrinkerAlloc(mem, 0, 'android-binder');
    // count_objects: every Available page could be freed.
    this.shrinker.countObjects = () => listLruCount(this.lru);
    // scan_objects: walk the LRU, oldest first, freeing what the locks allow.
    this.shrinker.scanObjects = (_s, sc) => {
      this.stats.scans++;
      return listLruWalk(this.lru, (info) => this.freePageCb(info), sc.nrToScan);
    };
    shrinkerRegister(this.shrinker);
  }

  private skip(why: keyof ShrinkerSkips): LruStatus {
    this.stats.skipped++;
    this.stats.skips[why]++;
    return LRU_SKIP;
  }

  /**
   * The isolate callback (`rust_shrink_free_page` / `binder_alloc_free_page`): take the page's
   * locks with trylocks — the allocation that triggered reclaim may hold them — then take the page
   * out of the slot, zap the user mapping, and let the slot's handle go.
   */
  private freePageCb(info: PageInfo<Slot>): LruStatus {
    const range = info.range;
    if (!range.mmAlive) return this.skip('mmExiting');
    if (!range.mmLock.tryLock()) return this.skip('mmLock');
    try {
      if (!range.mm.readTrylock()) return this.skip('mmapLock');
      try {
        if (spinIsLocked(range.lock)) return this.skip('rangeLock');
        const held = info.page;
        if (held !== null && !this.design.holdsLast(held, range.isUserMapped(info.index))) return this.skip('pinned');
        // list_lru_isolate() and take_page() under the range lock: the slot is Free from here on.
        const page = withSpinLock(range.lock, () => {
          listLruDel(this.lru, info);
          const p = info.page;
          info.page = null;
          return p;
        });
        if (page !== null) {
          range.unmapUser(info.index, page); // zap_page_range_single(): the mapping lets go first
          this.design.release(page); // drop(page): consumed from here on
          this.stats.freed++;
        }
        return LRU_REMOVED_RETRY;
      } finally {
        range.mm.readUnlock();
      }
    } finally {
      range.mmLock.unlock();
    }
  }

  /** `shrinker_free()` (at module unload): every range must have been destroyed first. */
  destroy(): void {
    if (listLruCount(this.lru) !== 0) throw new Error('BinderShrinker.destroy(): pages still on the LRU');
    shrinkerFree(this.shrinker);
  }
}

/** Counters of one range. */
export interface RangeStats {
  /** Slots taken back off the LRU by `useRange` (the fast path: no mmap lock, no allocation). */
  lruReuses: number;
  /** Pages allocated by the slow path. */
  pagesAllocated: number;
  /** Slow-path allocations that failed (the transaction fails with ENOMEM). */
  allocFailures: number;
  /** Pages the slow path allocated and dropped because another caller installed one first. */
  racedFrees: number;
  /** Pages freed when the range was destroyed (the process exited). */
  freedAtDestroy: number;
}

/**
 * `ShrinkablePageRange`: the pages of one process's Binder buffer.
 */
export class ShrinkablePageRange<Slot extends object> {
  readonly lock: SpinLock;
  /** The process's `mmap_lock`. */
  readonly mm = new MmapLock();
  /** The range's own `mm_lock` mutex: held while a slow path installs a page. */
  readonly mmLock = new Mutex();
  /** `mm_users > 0`: false once the process is exiting (`mmget_not_zero()` fails). */
  mmAlive = true;
  readonly design: BinderDesign<Slot>;
  readonly pages: readonly PageInfo<Slot>[];
  readonly stats: RangeStats = { lruReuses: 0, pagesAllocated: 0, allocFailures: 0, racedFrees: 0, freedAtDestroy: 0 };
  /** Pages currently mapped into the process (vm_insert_page / zap). */
  private readonly userMapped: Uint8Array;

  constructor(
    readonly mem: Memory,
    readonly shrinker: BinderShrinker<Slot>,
    readonly nrPages: number,
  ) {
    this.design = shrinker.design;
    this.lock = spinLockInit(mem, 'ShrinkablePageRange');
    this.pages = Array.from({ length: nrPages }, (_, index) => ({ range: this, index, page: null }));
    this.userMapped = new Uint8Array(nrPages);
  }

  private checkRange(start: number, end: number): void {
    if (!(Number.isInteger(start) && Number.isInteger(end) && 0 <= start && start <= end && end <= this.nrPages)) {
      throw new RangeError(`page range [${start}, ${end}) outside 0..${this.nrPages}`);
    }
  }

  /**
   * `use_range(start, end)`: makes pages start..end-1 Used. An Available page is taken back off the
   * LRU under the range spinlock (fast path); a Free one is allocated (slow path). Returns `false`
   * if an allocation failed; pages already made Used stay Used (the caller stops using them).
   */
  useRange(start: number, end: number): boolean {
    this.checkRange(start, end);
    for (let i = start; i < end; i++) {
      const info = this.pages[i]!;
      const present = withSpinLock(this.lock, () => {
        if (info.page === null) return false;
        if (listLruDel(this.shrinker.lru, info)) this.stats.lruReuses++;
        return true;
      });
      if (!present && !this.usePageSlow(info)) return false;
    }
    return true;
  }

  /**
   * `use_page_slow()`: allocate first (may reclaim), then, under the range's `mm_lock`, recheck,
   * `vm_insert_page()` under the mmap read lock, and install the page under the spinlock.
   */
  private usePageSlow(info: PageInfo<Slot>): boolean {
    const page = this.design.alloc(this.mem);
    if (page === null) {
      this.stats.allocFailures++;
      return false;
    }
    this.mmLock.lock();
    try {
      const raced = withSpinLock(this.lock, () => info.page !== null);
      if (raced) {
        // Someone installed a page while we were allocating: use theirs, drop ours.
        withSpinLock(this.lock, () => listLruDel(this.shrinker.lru, info));
        this.design.release(page);
        this.stats.racedFrees++;
        return true;
      }
      this.mm.readLock();
      try {
        this.mapUser(info.index, page); // vm_insert_page()
      } finally {
        this.mm.readUnlock();
      }
      withSpinLock(this.lock, () => installPage(info, page));
      this.stats.pagesAllocated++;
      return true;
    } finally {
      this.mmLock.unlock();
    }
  }

  /** `stop_using_range(start, end)`: Used pages become Available (onto the LRU), newest last. */
  stopUsingRange(start: number, end: number): void {
    this.checkRange(start, end);
    withSpinLock(this.lock, () => {
      for (let i = end - 1; i >= start; i--) {
        const info = this.pages[i]!;
        if (info.page !== null) listLruAdd(this.shrinker.lru, info);
      }
    });
  }

  private mapUser(index: number, page: Slot): void {
    this.design.mapUser(page);
    this.userMapped[index] = 1;
  }

  /** The user mapping of a page goes away (the shrinker, with the mmap lock held for read; exit). */
  unmapUser(index: number, page: Slot): void {
    if (this.userMapped[index] === 0) return;
    this.design.unmapUser(page);
    this.userMapped[index] = 0;
  }

  /** Whether page `index` is mapped into the process. */
  isUserMapped(index: number): boolean {
    return this.userMapped[index] === 1;
  }

  /** Copies `bytes` into the range at `offset`; every page touched must be Used. */
  write(offset: number, bytes: Uint8Array): void {
    this.iterate(offset, bytes.length, (page, inPage, done, n) => this.design.write(page, bytes.subarray(done, done + n), inPage));
  }

  /** Copies bytes out of the range at `offset` into `dst`; every page touched must be Used. */
  read(offset: number, dst: Uint8Array): void {
    this.iterate(offset, dst.length, (page, inPage, done, n) => this.design.read(page, dst.subarray(done, done + n), inPage));
  }

  private iterate(offset: number, size: number, cb: (page: Slot, inPage: number, done: number, n: number) => void): void {
    if (offset < 0 || offset + size > this.nrPages * PAGE_SIZE) throw new RangeError('EFAULT: outside the buffer');
    let done = 0;
    while (done < size) {
      const abs = offset + done;
      const info = this.pages[Math.floor(abs / PAGE_SIZE)]!;
      const inPage = abs % PAGE_SIZE;
      const n = Math.min(size - done, PAGE_SIZE - inPage);
      const page = info.page;
      if (page === null || listLruContains(this.shrinker.lru, info)) {
        throw new Error(`binder: page ${info.index} is not in use (EFAULT)`);
      }
      cb(page, inPage, done, n);
      done += n;
    }
  }

  /** The state of each slot: 0 free, 1 used, 2 available. */
  slotStates(): Uint8Array {
    const out = new Uint8Array(this.nrPages);
    this.pages.forEach((info, i) => {
      out[i] = info.page === null ? 0 : listLruContains(this.shrinker.lru, info) ? 2 : 1;
    });
    return out;
  }

  /**
   * The range's `Drop` (the process exited): the mm goes first (`mmput()`: its VMA is torn down,
   * unmapping every page), then every page comes off the LRU and the slot lets go of it.
   */
  destroy(): void {
    this.mmAlive = false;
    this.mmLock.lock();
    try {
      for (const info of this.pages) {
        const page = withSpinLock(this.lock, () => {
          listLruDel(this.shrinker.lru, info);
          const p = info.page;
          info.page = null;
          return p;
        });
        if (page !== null) {
          this.unmapUser(info.index, page);
          this.design.release(page);
          this.stats.freedAtDestroy++;
        }
      }
    } finally {
      this.mmLock.unlock();
    }
  }
}
