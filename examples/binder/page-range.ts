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
 * Ownership is typed: a slot holds the unique owner of its page (`Owned<Page<0>>`), and pages go
 * into slots only through {@link installPage}, whose parameter is `Owned<Page<0>> & Live` — so the
 * compiler refuses putting a freed page back, and the assertion signatures of `freePage` refuse
 * freeing a page twice or using it after the shrinker gave it back. Lock order, as in the kernel: mmap lock, then the range
 * spinlock, then the LRU; the shrinker takes them in the other order and so only *tries*: a busy
 * lock makes it skip the page (`LRU_SKIP`).
 *
 * @module
 */
import {
  allocPage,
  freePage,
  gfp,
  listLruAdd,
  listLruCount,
  listLruContains,
  listLruDel,
  listLruInit,
  listLruWalk,
  readRaw,
  shrinkerAlloc,
  shrinkerFree,
  shrinkerRegister,
  spinIsLocked,
  spinLockInit,
  withSpinLock,
  writeRaw,
  GFP_KERNEL,
  LRU_REMOVED_RETRY,
  LRU_SKIP,
  PAGE_SIZE,
  __GFP_HIGHMEM,
  __GFP_ZERO,
  type ListLru,
  type Live,
  type LruStatus,
  type Memory,
  type Owned,
  type Page,
  type Shrinker,
  type SpinLock,
} from 'memdesc';

/** What a slot holds: the unique owner of its page. */
export type SlotPage = Owned<Page<0>>;

/** `struct page_info`: one slot of a range. */
export interface PageInfo {
  readonly range: ShrinkablePageRange;
  readonly index: number;
  /** Free: null. Used or Available: the page (Available = also on the shrinker's LRU). */
  page: SlotPage | null;
}

/**
 * Puts a page into a slot. The parameter is `Owned<Page<0>> & Live`: a page that was freed (or
 * may have been, on some path) does not compile here. (Fields are typed `Owned<Page<0>>`, not
 * `… & Live`: a variable of a type that declares the consumed key cannot be narrowed by a free.)
 */
export function installPage(info: PageInfo, page: Owned<Page<0>> & Live): void {
  info.page = page;
}

/** The GFP flags Binder allocates its pages with (`use_page_slow`). */
export const BINDER_PAGE_GFP = gfp(GFP_KERNEL, __GFP_ZERO, __GFP_HIGHMEM);

/**
 * The process's `mmap_lock`, as far as Binder cares: writers (mmap, munmap, vm_insert_page) and
 * readers (page faults, the shrinker's zap) — the shrinker only ever *tries* to read-lock it.
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

/** The counters a {@link BinderShrinker} keeps. */
export interface BinderShrinkerStats {
  /** Pages the shrinker gave back to the page allocator. */
  freed: number;
  /** Pages it had to skip because a lock was busy (a failed trylock → `LRU_SKIP`). */
  skipped: number;
}

/**
 * The Binder shrinker and its LRU, shared by every page range of a machine (the kernel has one,
 * `binder_shrinker` with `binder_freelist`).
 */
export class BinderShrinker {
  readonly lru: ListLru<PageInfo>;
  readonly shrinker: Shrinker;
  readonly stats: BinderShrinkerStats = { freed: 0, skipped: 0 };

  constructor(readonly mem: Memory) {
    this.lru = listLruInit<PageInfo>(mem);
    this.shrinker = shrinkerAlloc(mem, 0, 'android-binder');
    // count_objects: every Available page could be freed.
    this.shrinker.countObjects = () => listLruCount(this.lru);
    // scan_objects: walk the LRU, oldest first, freeing what the locks allow.
    this.shrinker.scanObjects = (_s, sc) => listLruWalk(this.lru, (info) => this.freePageCb(info), sc.nrToScan);
    shrinkerRegister(this.shrinker);
  }

  /**
   * The isolate callback (`rust_shrink_free_page` / `binder_alloc_free_page`): take the page's
   * locks with trylocks — the allocation that triggered reclaim may hold them — and free it.
   */
  private freePageCb(info: PageInfo): LruStatus {
    const range = info.range;
    if (!range.mm.readTrylock()) {
      this.stats.skipped++;
      return LRU_SKIP;
    }
    try {
      if (spinIsLocked(range.lock)) {
        this.stats.skipped++;
        return LRU_SKIP;
      }
      // Take the page out of the slot under the range lock: the slot is Free from here on.
      const page = withSpinLock(range.lock, () => {
        const p = info.page;
        info.page = null;
        return p;
      });
      range.unmapUser(info.index); // zap_page_range_single(): the process no longer maps it
      if (page !== null) {
        freePage(page); // the shrinker's free consumes the page
        this.stats.freed++;
      }
      return LRU_REMOVED_RETRY;
    } finally {
      range.mm.readUnlock();
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
export class ShrinkablePageRange {
  readonly lock: SpinLock;
  readonly mm = new MmapLock();
  readonly pages: readonly PageInfo[];
  readonly stats: RangeStats = { lruReuses: 0, pagesAllocated: 0, allocFailures: 0, racedFrees: 0, freedAtDestroy: 0 };
  /** Pages currently mapped into the process (vm_insert_page / zap). */
  private readonly userMapped: Uint8Array;

  constructor(
    readonly mem: Memory,
    readonly shrinker: BinderShrinker,
    readonly nrPages: number,
  ) {
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

  /** `use_page_slow()`: allocate first (may reclaim), then install under the mmap write lock. */
  private usePageSlow(info: PageInfo): boolean {
    const page = allocPage(this.mem, BINDER_PAGE_GFP);
    if (page === null) {
      this.stats.allocFailures++;
      return false;
    }
    this.mm.writeLock();
    try {
      const raced = withSpinLock(this.lock, () => info.page !== null);
      if (raced) {
        // Someone installed a page while we were allocating: use theirs, drop ours.
        withSpinLock(this.lock, () => listLruDel(this.shrinker.lru, info));
        freePage(page);
        this.stats.racedFrees++;
        return true;
      }
      this.userMapped[info.index] = 1; // vm_insert_page()
      withSpinLock(this.lock, () => installPage(info, page));
      this.stats.pagesAllocated++;
      return true;
    } finally {
      this.mm.writeUnlock();
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

  /** The user mapping of a page went away (called by the shrinker with the mmap lock held for read). */
  unmapUser(index: number): void {
    this.userMapped[index] = 0;
  }

  /** Whether page `index` is mapped into the process. */
  isUserMapped(index: number): boolean {
    return this.userMapped[index] === 1;
  }

  /** Copies `bytes` into the range at `offset`; every page touched must be Used. */
  write(offset: number, bytes: Uint8Array): void {
    this.iterate(offset, bytes.length, (page, inPage, done, n) => writeRaw(page, bytes.subarray(done, done + n), inPage));
  }

  /** Copies bytes out of the range at `offset` into `dst`; every page touched must be Used. */
  read(offset: number, dst: Uint8Array): void {
    this.iterate(offset, dst.length, (page, inPage, done, n) => readRaw(page, dst.subarray(done, done + n), inPage));
  }

  private iterate(offset: number, size: number, cb: (page: SlotPage, inPage: number, done: number, n: number) => void): void {
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

  /** The range's `Drop`: every page off the LRU and freed. */
  destroy(): void {
    for (const info of this.pages) {
      const page = withSpinLock(this.lock, () => {
        listLruDel(this.shrinker.lru, info);
        const p = info.page;
        info.page = null;
        return p;
      });
      this.userMapped[info.index] = 0;
      if (page !== null) {
        freePage(page);
        this.stats.freedAtDestroy++;
      }
    }
  }
}
