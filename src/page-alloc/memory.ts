/**
 * The simulated machine: one node, its zones, the memmap, page contents, and the buddy allocator
 * core of mm/page_alloc.c. The public entry points (`allocPages`, `freePages`, …) live in
 * `page-alloc.ts`; this file holds the state they work on and the algorithms, on integers only.
 *
 * @module
 */
import { MmError, hexPfn, invalidArgument, describeValue } from '../debug/mm-error.js';
import { captureSite, formatFree, formatOwner, type PageFreeRecord, type PageOwnerRecord } from '../debug/page-owner.js';
import { MAX_PAGE_ORDER, NR_PAGE_ORDERS, PAGE_SHIFT, PAGE_SIZE } from './constants.js';
import { PAGE_OFFSET, VMALLOC_START } from '../types/address.js';
import { FailPageAlloc, type FailPageAllocOptions } from './fault-inject.js';
import {
  __GFP_COMP,
  __GFP_DIRECT_RECLAIM,
  __GFP_DMA,
  __GFP_DMA32,
  __GFP_HIGH,
  __GFP_KSWAPD_RECLAIM,
  __GFP_NOFAIL,
  __GFP_NOMEMALLOC,
  __GFP_NOWARN,
  __GFP_ZERO,
  GFP_VALID_MASK,
  gfpToString,
} from './gfp.js';
import { Memmap, MEMMAP_BYTES_PER_PAGE, PageFlag, PageKind, PAGE_KIND_NAMES, KMAP_MASK } from './memmap.js';
import { Zone, calculateMinFreeKbytes, setupPerZoneWmarks, zoneBatchsize, zoneHighsize, type Watermarks } from './zone.js';

/**
 * (no kernel counterpart) — the largest machine memdesc simulates: 2^26 pages, 256 GiB (1 GiB of
 * memmap at 16 bytes a page). A larger `createMemory` is `INVALID_ARGUMENT`.
 */
export const MAX_MEMORY_PAGES = 1 << 26;
/** (no kernel counterpart) — the size of `createMemory()` without options: 256 MiB, one zone. */
export const DEFAULT_MEMORY_BYTES = 256 * 1024 * 1024;

/**
 * `CONFIG_DEBUG_VM` / `page_owner=on`, as one knob — how much checking a Memory does beyond the
 * rules that always hold:
 * - `'fast'`: the rules only (handles, states, orders); page_owner off;
 * - `'standard'` (default): plus page_owner stacks in reports and leak checks;
 * - `'paranoid'`: plus a full consistency check of the allocator after every call (slow: for
 *   tests on small machines).
 */
export type DebugLevel = 'fast' | 'standard' | 'paranoid';

/** `struct zone`'s extent — one zone of the simulated node (`createMemory({ zones })`). */
export interface ZoneSpec {
  /**
   * `zone->name`: `DMA`, `DMA32`, `Normal`, `HighMem`, `Movable` or `Device` (as `/proc/buddyinfo`
   * prints it). `__GFP_DMA` allocations come from a `DMA` zone, `__GFP_DMA32` from `DMA32` or
   * below.
   */
  readonly name: string;
  /** Size of the zone in pages. */
  readonly pages: number;
}

/**
 * `mem=`, `vm.min_free_kbytes`, `vm.watermark_scale_factor`, `init_on_alloc=`, `fail_page_alloc` —
 * the boot parameters and sysctls of a simulated machine: the options of {@link createMemory}. All
 * are optional.
 *
 * @example
 * ```ts
 * import { createMemory } from 'memdesc';
 * const mem = createMemory({
 *   zones: [{ name: 'DMA32', pages: 4096 }, { name: 'Normal', pages: 12288 }],
 *   minFreeKbytes: 1024,
 *   debug: 'paranoid',
 *   printk: null,
 * });
 * console.log(mem.nrPages); // 16384
 * ```
 */
export interface MemoryOptions {
  /** Size in 4 KiB pages. Give `pages` or `bytes`, not both. */
  readonly pages?: number;
  /** Size in bytes, a multiple of `PAGE_SIZE`. Default 256 MiB. */
  readonly bytes?: number;
  /**
   * The node's zones (1 to 4), lowest first; their sizes replace `pages`/`bytes`. Default: one
   * `Normal` zone.
   */
  readonly zones?: readonly ZoneSpec[];
  /** `vm.min_free_kbytes`; default derived from the size as the kernel derives it. */
  readonly minFreeKbytes?: number;
  /** `vm.watermark_scale_factor` (1..3000, default 10 = 0.1% of the zone). */
  readonly watermarkScaleFactor?: number;
  /** `pcp->batch` override (default: `zone_batchsize()`). */
  readonly pcpBatch?: number;
  /** `pcp->high` override (default: `zone_highsize()`). */
  readonly pcpHigh?: number;
  /** See {@link DebugLevel}. Default `'standard'`. */
  readonly debug?: DebugLevel;
  /** `init_on_alloc=1`: zero every allocation, as if `__GFP_ZERO` were always given. */
  readonly initOnAlloc?: boolean;
  /** `fail_page_alloc` settings; can be changed later with `failPageAlloc(mem, …)`. */
  readonly failPageAlloc?: FailPageAllocOptions;
  /** `current->comm` in reports. Default `"memdesc"`. */
  readonly comm?: string;
  /**
   * Where kernel-log lines go besides `dmesg(mem)`. Default: `console.warn`. `null`: nowhere.
   */
  readonly printk?: ((line: string) => void) | null;
}

/** `/proc/vmstat` — a machine's allocation counters (part of {@link memStats}). */
export interface VmStat {
  /** `pgalloc`: pages allocated (2^order per allocation). */
  pgalloc: number;
  /** `pgfree`: pages freed. */
  pgfree: number;
  /** Successful allocation calls. */
  allocations: number;
  /** Free calls. */
  frees: number;
  /** Allocation calls that returned null. */
  allocFailures: number;
  /** Allocations that needed the slow path (below the low watermark). */
  slowpath: number;
  /** `pcp` refills from the buddy lists (`rmqueue_bulk`). */
  pcpRefills: number;
  /** `pcp` batches given back to the buddy lists (`free_pcppages_bulk`). */
  pcpDrains: number;
}

let memoryIds = 0;

/*
 * Linear-map windows. Each machine gets its own window of the address space, so an address alone
 * (what virt_to_page() gets) says which machine it belongs to: the first machine's linear map
 * starts at PAGE_OFFSET, the next one above it, in 1 GiB steps. A window is reused only after its
 * machine has been garbage-collected.
 */
const WINDOW_SHIFT = 30;
const WINDOW = 2 ** WINDOW_SHIFT;
const LINEAR_WINDOWS = Math.floor((VMALLOC_START - PAGE_OFFSET) / WINDOW);
const windows = new Map<number, WeakRef<MemoryImpl>>();
let nextWindow = 0;

function reserveWindows(count: number): number {
  if (nextWindow + count <= LINEAR_WINDOWS) {
    const first = nextWindow;
    nextWindow += count;
    return first;
  }
  // Exhausted: find `count` consecutive windows whose machines are gone.
  let run = 0;
  for (let w = 0; w < LINEAR_WINDOWS; w++) {
    const ref = windows.get(w);
    if (ref === undefined || ref.deref() === undefined) {
      if (++run === count) return w - count + 1;
    } else {
      run = 0;
    }
  }
  throw new MmError('INVALID_ARGUMENT', 'createMemory(): no linear-map address space left for another machine');
}

/* Indices of MemoryImpl.vm. */
const VM_PGALLOC = 0;
const VM_PGFREE = 1;
const VM_ALLOCATIONS = 2;
const VM_FREES = 3;
const VM_ALLOC_FAILURES = 4;
const VM_SLOWPATH = 5;
const VM_PCP_REFILLS = 6;
const VM_PCP_DRAINS = 7;
const VM_CLOCK = 8;
const VM_NR = 9;

/** The machine's state. Reach it through the public functions; its fields are internal. */
export class MemoryImpl {
  /** Brand: `#brand in x` proves x was made by createMemory. */
  readonly #brand = true;
  readonly id = ++memoryIds;
  readonly nrPages: number;
  readonly map: Memmap;
  readonly zones: Zone[];
  /** Zone of each pfn is found by range; with one zone this is always zones[0]. */
  readonly zoneEnds: Int32Array;
  readonly comm: string;
  readonly debugLevel: DebugLevel;
  readonly initOnAlloc: boolean;
  readonly minFreeKbytes: number;
  readonly watermarkScaleFactor: number;
  printk: ((line: string) => void) | null;
  /** Page bytes, materialised lazily: a pfn has an entry only once it holds non-zero data. */
  readonly contents = new Map<number, Uint8Array>();
  /** page_owner: head pfn → allocation record (null when off). */
  readonly owners: Map<number, PageOwnerRecord> | null;
  readonly lastFree: Map<number, PageFreeRecord> | null;
  readonly fail = new FailPageAlloc();
  /** Counters (`/proc/vmstat`) and the clock, in a Float64Array: no field ever changes shape. */
  readonly vm = new Float64Array(VM_NR);
  /** `debug: 'paranoid'`: verify the whole allocator after every call. */
  readonly paranoid: boolean;
  /** Pages in live allocations, by memdesc kind (index: PageKind). */
  readonly allocatedByKind = new Float64Array(16);
  /** Live folios by order (`/proc/meminfo`-style statistics per memdesc). */
  readonly foliosByOrder = new Float64Array(NR_PAGE_ORDERS);
  /** Live allocation count. */
  liveAllocations = 0;
  /** The kernel log ring. */
  readonly log: string[] = [];
  /** Which `WARN_ON_ONCE()`s have fired. */
  private readonly warnedOnce = new Set<string>();
  /** Spinlocks currently held (atomic context depth). */
  atomicDepth = 0;
  /** Inside reclaim (`PF_MEMALLOC`): allocations made by shrinkers do not reclaim again. */
  inReclaim = false;
  /** An allocation fell below the low watermark with `__GFP_KSWAPD_RECLAIM` since kswapd last ran. */
  kswapdWoken = false;
  /** Where this machine's linear map starts (`PAGE_OFFSET` for the first machine). */
  readonly linearBase: number;
  /** Scratch for rmqueue_bulk. */
  private readonly bulk: Int32Array;
  /** Initial free-list counts per zone, for tests that check full coalescing. */
  readonly initialNrFree: readonly Int32Array[];

  /** The machine whose linear map holds `addr`, if any. */
  static forLinearAddress(addr: number): MemoryImpl | undefined {
    if (addr < PAGE_OFFSET || addr >= VMALLOC_START) return undefined;
    const m = windows.get(Math.floor((addr - PAGE_OFFSET) / WINDOW))?.deref();
    if (m === undefined || addr >= m.linearBase + m.nrPages * PAGE_SIZE) return undefined;
    return m;
  }

  static is(x: unknown): x is MemoryImpl {
    return typeof x === 'object' && x !== null && #brand in x;
  }

  constructor(opts: MemoryOptions) {
    const fn = 'createMemory';
    if (opts === null || typeof opts !== 'object' || Array.isArray(opts)) invalidArgument(fn, 'options must be an object', opts);
    const specs = resolveZones(opts, fn);
    const debug = opts.debug ?? 'standard';
    if (debug !== 'fast' && debug !== 'standard' && debug !== 'paranoid') {
      invalidArgument(fn, "debug must be 'fast', 'standard' or 'paranoid'", opts.debug);
    }
    const comm = opts.comm ?? 'memdesc';
    if (typeof comm !== 'string' || comm.length === 0 || comm.length > 15) {
      invalidArgument(fn, 'comm must be a task name of 1..15 characters (TASK_COMM_LEN)', opts.comm);
    }
    if (opts.printk !== undefined && opts.printk !== null && typeof opts.printk !== 'function') {
      invalidArgument(fn, 'printk must be a function or null', opts.printk);
    }
    const wsf = opts.watermarkScaleFactor ?? 10;
    if (!Number.isInteger(wsf) || wsf < 1 || wsf > 3000) invalidArgument(fn, 'watermarkScaleFactor must be an integer in 1..3000', wsf);
    let nrPages = 0;
    for (const s of specs) nrPages += s.pages;
    const minFree = opts.minFreeKbytes ?? calculateMinFreeKbytes(nrPages);
    if (!Number.isInteger(minFree) || minFree < 0 || minFree > 4 * nrPages) {
      invalidArgument(fn, `minFreeKbytes must be an integer in 0..${4 * nrPages} (the machine's size in KiB)`, minFree);
    }
    for (const k of ['pcpBatch', 'pcpHigh'] as const) {
      const v = opts[k];
      if (v !== undefined && (!Number.isInteger(v) || v < 1 || v > 1 << 16)) invalidArgument(fn, `${k} must be an integer in 1..65536`, v);
    }

    this.nrPages = nrPages;
    const nrWindows = Math.ceil((nrPages * PAGE_SIZE) / WINDOW);
    const firstWindow = reserveWindows(nrWindows);
    const self = new WeakRef(this);
    for (let w = firstWindow; w < firstWindow + nrWindows; w++) windows.set(w, self);
    this.linearBase = PAGE_OFFSET + firstWindow * WINDOW;
    this.comm = comm;
    this.debugLevel = debug;
    this.paranoid = debug === 'paranoid';
    this.initOnAlloc = opts.initOnAlloc === true;
    this.minFreeKbytes = minFree;
    this.watermarkScaleFactor = wsf;
    this.printk = opts.printk === undefined ? (line) => console.warn(line) : opts.printk;
    this.owners = debug === 'fast' ? null : new Map();
    this.lastFree = debug === 'fast' ? null : new Map();
    // configure() validates every field before it changes anything; a throw here leaves no Memory.
    if (opts.failPageAlloc !== undefined) this.fail.configure(opts.failPageAlloc, fn);
    this.map = new Memmap(nrPages);
    this.zones = [];
    this.zoneEnds = new Int32Array(specs.length);
    let start = 0;
    specs.forEach((s, i) => {
      const z = new Zone(i, s.name, start, start + s.pages);
      this.zones.push(z);
      this.zoneEnds[i] = z.end;
      start = z.end;
    });
    // memblock_free_all(): hand every page to the buddy allocator in the largest aligned blocks.
    for (const z of this.zones) {
      let pfn = z.start;
      while (pfn < z.end) {
        let order = MAX_PAGE_ORDER;
        while (order > 0 && ((pfn & ((1 << order) - 1)) !== 0 || pfn + (1 << order) > z.end)) order--;
        this.addToFreeList(z, pfn, order, true);
        pfn += 1 << order;
      }
      z.managed = z.end - z.start;
    }
    setupPerZoneWmarks(this.zones, minFree, wsf);
    let maxBatch = 1;
    for (const z of this.zones) {
      const batch = opts.pcpBatch ?? zoneBatchsize(z.managed);
      const high = Math.max(opts.pcpHigh ?? zoneHighsize(z.wmarkLow, batch), batch);
      z.setPcp(high, batch);
      maxBatch = Math.max(maxBatch, batch);
    }
    this.bulk = new Int32Array(maxBatch);
    this.initialNrFree = this.zones.map((z) => z.nrFree.slice());
  }

  /** A monotonic clock: one tick per allocator call. Timestamps in reports use it. */
  get clock(): number {
    return this.vm[VM_CLOCK]!;
  }

  tick(): void {
    this.vm[VM_CLOCK]!++;
  }

  /** `/proc/vmstat`, as an object. */
  get stat(): VmStat {
    const vm = this.vm;
    return {
      pgalloc: vm[VM_PGALLOC]!,
      pgfree: vm[VM_PGFREE]!,
      allocations: vm[VM_ALLOCATIONS]!,
      frees: vm[VM_FREES]!,
      allocFailures: vm[VM_ALLOC_FAILURES]!,
      slowpath: vm[VM_SLOWPATH]!,
      pcpRefills: vm[VM_PCP_REFILLS]!,
      pcpDrains: vm[VM_PCP_DRAINS]!,
    };
  }

  // ---------------------------------------------------------------- zones

  zoneOf(pfn: number): Zone {
    const zones = this.zones;
    if (zones.length === 1) return zones[0]!;
    for (let i = 0; i < zones.length; i++) if (pfn < this.zoneEnds[i]!) return zones[i]!;
    return zones[zones.length - 1]!;
  }

  /** `gfp_zone()`: the highest zone index this allocation may use. */
  highestZoneIdx(gfp: number): number {
    const zones = this.zones;
    if ((gfp & (__GFP_DMA | __GFP_DMA32)) === 0) return zones.length - 1;
    let best = -1;
    for (let i = 0; i < zones.length; i++) {
      const n = zones[i]!.name;
      if (n === 'DMA' || (n === 'DMA32' && (gfp & __GFP_DMA) === 0)) best = i;
    }
    return best < 0 ? 0 : best;
  }

  // ---------------------------------------------------------------- buddy free lists

  /** `__add_to_free_list()`: links a block at the head (or the tail) of its free list. */
  addToFreeList(z: Zone, pfn: number, order: number, tail: boolean): void {
    const m = this.map;
    m.kind[pfn] = PageKind.Buddy;
    m.order[pfn] = order;
    const head = z.freeHead[order]!;
    if (head < 0) {
      m.u0[pfn] = -1;
      m.u1[pfn] = -1;
      z.freeHead[order] = pfn;
      z.freeTail[order] = pfn;
    } else if (tail) {
      const last = z.freeTail[order]!;
      m.u0[last] = pfn;
      m.u1[pfn] = last;
      m.u0[pfn] = -1;
      z.freeTail[order] = pfn;
    } else {
      m.u0[pfn] = head;
      m.u1[pfn] = -1;
      m.u1[head] = pfn;
      z.freeHead[order] = pfn;
    }
    z.nrFree[order]!++;
    z.freePages += 1 << order;
  }

  /** `del_page_from_free_list()`: unlinks a block; its head becomes an ordinary page. */
  delFromFreeList(z: Zone, pfn: number, order: number): void {
    const m = this.map;
    const next = m.u0[pfn]!;
    const prev = m.u1[pfn]!;
    if (prev < 0) z.freeHead[order] = next;
    else m.u0[prev] = next;
    if (next < 0) z.freeTail[order] = prev;
    else m.u1[next] = prev;
    m.kind[pfn] = PageKind.None;
    m.u0[pfn] = 0;
    m.u1[pfn] = 0;
    z.nrFree[order]!--;
    z.freePages -= 1 << order;
  }

  /** `__rmqueue_smallest()` + `expand()`: the smallest free block that fits, split down. */
  rmqueueSmallest(z: Zone, order: number): number {
    for (let o = order; o < NR_PAGE_ORDERS; o++) {
      const pfn = z.freeHead[o]!;
      if (pfn < 0) continue;
      this.delFromFreeList(z, pfn, o);
      // expand(): hand the upper halves back, largest first.
      let high = o;
      let size = 1 << o;
      while (high > order) {
        high--;
        size >>= 1;
        this.addToFreeList(z, pfn + size, high, false);
      }
      return pfn;
    }
    return -1;
  }

  /** `__free_one_page()`: merges with free buddies (`buddy = pfn ^ (1 << order)`) as far as it can. */
  freeOneBlock(z: Zone, pfn: number, order: number): void {
    const m = this.map;
    const kind = m.kind;
    const ord = m.order;
    m.kind[pfn] = PageKind.None;
    while (order < MAX_PAGE_ORDER) {
      const buddy = pfn ^ (1 << order);
      if (buddy < z.start || buddy >= z.end || kind[buddy] !== PageKind.Buddy || ord[buddy] !== order) break;
      this.delFromFreeList(z, buddy, order);
      pfn &= buddy;
      order++;
    }
    // buddy_merge_likely(): if the next-larger buddy is free, this block's buddy is probably about
    // to be freed too — queue it at the tail so it is not handed out in the meantime.
    let toTail = false;
    if (order < MAX_PAGE_ORDER - 1) {
      const buddy = pfn ^ (1 << order);
      const higher = pfn & buddy;
      const higherBuddy = higher ^ (1 << (order + 1));
      toTail =
        higherBuddy >= z.start && higherBuddy < z.end && kind[higherBuddy] === PageKind.Buddy && ord[higherBuddy] === order + 1;
    }
    this.addToFreeList(z, pfn, order, toTail);
  }

  // ---------------------------------------------------------------- per-CPU pages

  pcpPush(z: Zone, pfn: number): void {
    z.pcp[(z.pcpBottom + z.pcpCount) & z.pcpMask] = pfn;
    z.pcpCount++;
    this.map.kind[pfn] = PageKind.Pcp;
    this.map.order[pfn] = 0;
  }

  /** `rmqueue_pcplist()`: pops the hottest page, refilling a batch from the buddy lists if empty. */
  rmqueuePcp(z: Zone): number {
    if (z.pcpCount === 0) {
      // rmqueue_bulk(): take a batch; the first taken ends on top, as list_add_tail() leaves it.
      const bulk = this.bulk;
      let n = 0;
      for (; n < z.pcpBatch; n++) {
        const pfn = this.rmqueueSmallest(z, 0);
        if (pfn < 0) break;
        bulk[n] = pfn;
      }
      if (n === 0) return -1;
      for (let i = n - 1; i >= 0; i--) this.pcpPush(z, bulk[i]!);
      this.vm[VM_PCP_REFILLS]!++;
    }
    z.pcpCount--;
    return z.pcp[(z.pcpBottom + z.pcpCount) & z.pcpMask]!;
  }

  /** `free_unref_page()`: an order-0 page goes to the per-CPU list; past `high`, a batch drains. */
  freePcp(z: Zone, pfn: number): void {
    this.pcpPush(z, pfn);
    if (z.pcpCount >= z.pcpHigh) {
      this.drainPcp(z, z.pcpBatch);
      this.vm[VM_PCP_DRAINS]!++;
    }
  }

  /** `free_pcppages_bulk()`: gives the coldest `count` pages back to the buddy lists. */
  drainPcp(z: Zone, count: number): void {
    while (count-- > 0 && z.pcpCount > 0) {
      const pfn = z.pcp[z.pcpBottom]!;
      z.pcpBottom = (z.pcpBottom + 1) & z.pcpMask;
      z.pcpCount--;
      this.freeOneBlock(z, pfn, 0);
    }
  }

  /** `drain_all_pages()`. */
  drainAll(): void {
    for (const z of this.zones) {
      if (z.pcpCount > 0) {
        this.drainPcp(z, z.pcpCount);
        this.vm[VM_PCP_DRAINS]!++;
      }
    }
  }

  // ---------------------------------------------------------------- allocation

  /**
   * `__zone_watermark_ok()`: would this zone still be above `mark` after the allocation, given
   * the reserves the caller may use?
   */
  watermarkOk(z: Zone, order: number, mark: number, allocFlags: number): boolean {
    if (allocFlags & ALLOC_NO_WATERMARKS) return order === 0 ? z.freePages > 0 : this.hasFreeBlock(z, order);
    let min = mark;
    const free = z.freePages - ((1 << order) - 1);
    if (allocFlags & ALLOC_MIN_RESERVE) {
      min -= min >> 1;
      if (allocFlags & ALLOC_NON_BLOCK) min -= min >> 2;
    }
    if (free <= min) return false;
    if (order === 0) return true;
    for (let o = order; o < NR_PAGE_ORDERS; o++) if (z.nrFree[o]! > 0) return true;
    return false;
  }

  private hasFreeBlock(z: Zone, order: number): boolean {
    for (let o = order; o < NR_PAGE_ORDERS; o++) if (z.nrFree[o]! > 0) return true;
    return false;
  }

  /** `get_page_from_freelist()`: the first zone in the zonelist that passes its watermark. */
  getPageFromFreelist(gfp: number, order: number, allocFlags: number): number {
    const zones = this.zones;
    for (let i = this.highestZoneIdx(gfp); i >= 0; i--) {
      const z = zones[i]!;
      const mark = allocFlags & ALLOC_WMARK_MIN ? z.wmarkMin : z.wmarkLow;
      if (!this.watermarkOk(z, order, mark, allocFlags)) continue;
      const pfn = order === 0 ? this.rmqueuePcp(z) : this.rmqueueSmallest(z, order);
      if (pfn >= 0) return pfn;
    }
    return -1;
  }

  /**
   * `__alloc_pages()`: the fast path at the low watermark, then the slow path at the min watermark
   * with the reserves the GFP flags allow, then (for callers that may sleep) draining the per-CPU
   * lists and trying again. Returns the head pfn or -1. Arguments are already validated.
   */
  allocBlock(gfp: number, order: number): number {
    if (order === 0 && this.zones.length === 1) {
      // The common case, inline: get_page_from_freelist() at the low watermark + rmqueue_pcplist().
      const z = this.zones[0]!;
      if (z.pcpCount > 0 && z.freePages > z.wmarkLow && !this.fail.enabled) {
        z.pcpCount--;
        return z.pcp[(z.pcpBottom + z.pcpCount) & z.pcpMask]!;
      }
    }
    if (this.fail.enabled && this.fail.shouldFail(gfp, order)) {
      this.warnAlloc(gfp, order, true);
      return -1;
    }
    let pfn = this.getPageFromFreelist(gfp, order, ALLOC_WMARK_LOW);
    if (pfn < 0) {
      // __alloc_pages_slowpath(): wake kswapd, retry against the min watermark with the reserves
      // the GFP flags allow, then — for a caller that may sleep, and not from inside reclaim
      // (PF_MEMALLOC) — direct reclaim, draining the per-CPU lists once, while it makes progress.
      this.vm[VM_SLOWPATH]!++;
      if (gfp & __GFP_KSWAPD_RECLAIM) this.kswapdWoken = true;
      if (gfp & __GFP_NOFAIL) this.warnNofail(gfp, order);
      // Inside reclaim (PF_MEMALLOC), the shrinkers' own allocations may use every reserve.
      const flags = this.inReclaim && (gfp & __GFP_NOMEMALLOC) === 0 ? ALLOC_NO_WATERMARKS : gfpToAllocFlags(gfp);
      pfn = this.getPageFromFreelist(gfp, order, flags);
      if (pfn < 0 && gfp & __GFP_DIRECT_RECLAIM && !this.inReclaim) {
        let drained = false;
        for (let retry = 0; retry < MAX_RECLAIM_RETRIES && pfn < 0; retry++) {
          const reclaim = reclaimHook.fn;
          const progress = reclaim === null ? 0 : reclaim(this, gfp, order);
          pfn = this.getPageFromFreelist(gfp, order, flags);
          if (pfn >= 0) break;
          // __alloc_pages_direct_reclaim(): drain the per-CPU lists once and retry the free lists.
          if (!drained && this.pcpPages > 0) {
            this.drainAll();
            drained = true;
            pfn = this.getPageFromFreelist(gfp, order, flags);
            if (pfn >= 0) break;
          }
          // should_reclaim_retry(): only while reclaim makes progress.
          if (progress === 0) break;
        }
      }
      if (pfn < 0 && gfp & __GFP_NOFAIL) pfn = this.nofailFallback(gfp, order);
      if (pfn < 0) {
        this.warnAlloc(gfp, order, false);
        return -1;
      }
    }
    return pfn;
  }

  /** The `WARN_ON_ONCE()`s at the top of `__alloc_pages_slowpath()` for a `__GFP_NOFAIL` request. */
  private warnNofail(gfp: number, order: number): void {
    const mode = `mode:0x${gfp.toString(16)}(${gfpToString(gfp)})`;
    if (order > 1) this.warnOnce('nofail-order', `__GFP_NOFAIL allocation of order ${order}: callers may not ask for more than order-1 units (${mode})`);
    if ((gfp & __GFP_DIRECT_RECLAIM) === 0) {
      this.warnOnce('nofail-noreclaim', `__GFP_NOFAIL without __GFP_DIRECT_RECLAIM: it cannot reclaim, so it can still fail (${mode})`);
    }
    if (this.inReclaim) this.warnOnce('nofail-memalloc', `__GFP_NOFAIL from inside reclaim (PF_MEMALLOC): nothing can be reclaimed for it (${mode})`);
  }

  /**
   * The `__GFP_NOFAIL` end of `__alloc_pages_slowpath()`. The kernel never returns NULL here while it
   * may reclaim: it retries forever, with part of the reserve on every retry (`ALLOC_MIN_RESERVE`)
   * and, once the OOM killer has had its turn, every reserve (`ALLOC_NO_WATERMARKS`). memdesc runs
   * one task and has no OOM killer, so nothing can free memory while it waits: it tries both once,
   * and if even the last reserve is gone it fails (null) after warning once that the kernel would
   * retry forever here. Without `__GFP_DIRECT_RECLAIM` it fails like the kernel.
   */
  private nofailFallback(gfp: number, order: number): number {
    if ((gfp & __GFP_DIRECT_RECLAIM) === 0) return -1;
    let pfn = this.getPageFromFreelist(gfp, order, ALLOC_WMARK_MIN | ALLOC_MIN_RESERVE);
    if (pfn < 0) pfn = this.getPageFromFreelist(gfp, order, ALLOC_NO_WATERMARKS);
    if (pfn < 0) {
      this.warnOnce(
        'nofail-forever',
        `__GFP_NOFAIL allocation of order ${order} cannot be satisfied: every reserve is used up; the kernel would retry forever here (a hang), memdesc has no OOM killer and returns NULL`,
      );
    }
    return pfn;
  }

  /** `WARN_ON_ONCE()`: each warning once per machine. */
  private warnOnce(key: string, what: string): void {
    if (this.warnedOnce.has(key)) return;
    this.warnedOnce.add(key);
    this.printkLine(`WARNING: CPU: 0 PID: 1 at mm/page_alloc.c __alloc_pages_slowpath: ${what}`);
  }

  /** Marks a just-taken block as allocated: its memdesc kind, compound tails, zeroing, owner. */
  prepBlock(pfn: number, order: number, gfp: number, kind: PageKind): void {
    const m = this.map;
    m.kind[pfn] = kind;
    m.order[pfn] = order;
    // u0/u1 are already 0: a block leaves the free lists through delFromFreeList(), which clears them.
    if (order > 0 && gfp & __GFP_COMP) {
      m.flags[pfn] = PageFlag.Head;
      const end = pfn + (1 << order);
      for (let t = pfn + 1; t < end; t++) {
        m.kind[t] = PageKind.Tail;
        m.u0[t] = pfn;
      }
    } else {
      m.flags[pfn] = 0;
    }
    if ((gfp & __GFP_ZERO || this.initOnAlloc) && this.contents.size > 0) this.dropContents(pfn, 1 << order);
    const owners = this.owners;
    if (owners !== null) {
      owners.set(pfn, { pfn, order, gfp, ts: this.vm[VM_CLOCK]!, comm: this.comm, site: captureSite() });
    }
    const n = 1 << order;
    this.allocatedByKind[kind]! += n;
    if (kind === PageKind.Folio) this.foliosByOrder[order]!++;
    this.liveAllocations++;
    const vm = this.vm;
    vm[VM_PGALLOC]! += n;
    vm[VM_ALLOCATIONS]!++;
  }

  /** Gives a validated allocated block back: clears tails, bumps the generation, frees. */
  releaseBlock(pfn: number, order: number): void {
    const m = this.map;
    const kind = m.kind[pfn]!;
    if (m.flags[pfn]! !== 0) {
      if (m.flags[pfn]! & PageFlag.Head) {
        const end = pfn + (1 << order);
        for (let t = pfn + 1; t < end; t++) {
          m.kind[t] = PageKind.None;
          m.u0[t] = 0;
        }
      }
      m.flags[pfn] = 0;
    }
    if (kind !== PageKind.Bare) {
      // Counted memdescs keep refcount/mapcount in u0/u1; bare blocks never touch them.
      m.u0[pfn] = 0;
      m.u1[pfn] = 0;
    }
    m.gen[pfn] = (m.gen[pfn]! + 1) >>> 0;
    const n = 1 << order;
    this.allocatedByKind[kind]! -= n;
    if (kind === PageKind.Folio) this.foliosByOrder[order]!--;
    this.liveAllocations--;
    const vm = this.vm;
    vm[VM_PGFREE]! += n;
    vm[VM_FREES]!++;
    if (this.owners !== null) {
      this.owners.delete(pfn);
      this.lastFree!.set(pfn, { ts: vm[VM_CLOCK]!, site: captureSite() });
    }
    const z = this.zones.length === 1 ? this.zones[0]! : this.zoneOf(pfn);
    if (order === 0) this.freePcp(z, pfn);
    else this.freeOneBlock(z, pfn, order);
  }

  /** Forgets the bytes of `count` pages from `pfn` (they read as zero again). */
  dropContents(pfn: number, count: number): void {
    const c = this.contents;
    if (count <= c.size) {
      for (let p = pfn; p < pfn + count; p++) c.delete(p);
    } else {
      for (const p of c.keys()) if (p >= pfn && p < pfn + count) c.delete(p);
    }
  }

  // ---------------------------------------------------------------- reports

  /** `printk()`: into the log ring (last 4096 lines) and to the sink. */
  printkLine(line: string): void {
    this.logOnly(line);
    const sink = this.printk;
    if (sink !== null) sink(line);
  }

  /** Into the log ring only: for reports that are also thrown as an MmError. */
  logOnly(line: string): void {
    const log = this.log;
    log.push(line);
    if (log.length > 4096) log.splice(0, log.length - 4096);
  }

  /** `warn_alloc()`: the "page allocation failure" report, unless `__GFP_NOWARN`. */
  warnAlloc(gfp: number, order: number, injected: boolean): void {
    this.vm[VM_ALLOC_FAILURES]!++;
    if (gfp & __GFP_NOWARN) return;
    if (injected) this.printkLine('FAULT_INJECTION: forcing a failure.');
    this.printkLine(
      `${this.comm}: page allocation failure: order:${order}, mode:0x${gfp.toString(16)}(${gfpToString(gfp)}), nodemask=(null)`,
    );
    for (const z of this.zones) this.printkLine(this.showFreeArea(z));
  }

  /** One line of `show_free_areas()`: `Node 0 Normal: 1*4kB (U) 2*8kB … = 12kB`. */
  showFreeArea(z: Zone): string {
    let total = 0;
    const parts: string[] = [];
    for (let o = 0; o < NR_PAGE_ORDERS; o++) {
      const n = z.nrFree[o]!;
      total += n * (4 << o);
      parts.push(`${n}*${4 << o}kB`);
    }
    return `Node 0 ${z.name}: ${parts.join(' ')} = ${total}kB`;
  }

  /** The `page:` / `flags:` lines of `dump_page()` plus page_owner, for a block head. */
  dumpPage(pfn: number): string {
    const m = this.map;
    const kind = m.kind[pfn]!;
    const flags = m.flags[pfn]!;
    const names: string[] = [];
    if (flags & PageFlag.Head) names.push('head');
    if (flags & PageFlag.Locked) names.push('locked');
    if (flags & PageFlag.Dirty) names.push('dirty');
    if (flags & PageFlag.Reserved) names.push('reserved');
    if (flags & KMAP_MASK) names.push(`kmapped(${(flags & KMAP_MASK) >> 11})`);
    const counted = kind === PageKind.Folio;
    let s =
      `page: pfn:${hexPfn(pfn)} memdesc:${PAGE_KIND_NAMES[kind] ?? kind} order:${m.order[pfn]}` +
      (counted ? ` refcount:${m.u0[pfn]} mapcount:${m.u1[pfn]}` : '') +
      `\nflags: 0x${flags.toString(16)}(${names.join('|')})`;
    const rec = this.owners?.get(pfn);
    if (rec !== undefined) s += '\n' + formatOwner(rec);
    const fr = this.lastFree?.get(pfn);
    if (fr !== undefined) s += '\n' + formatFree(fr);
    return s;
  }

  /** `bad_page()`: builds the report and the MmError; the caller throws it. */
  badPage(pfn: number, reason: string, code: MmError['code'] = 'BAD_PAGE_STATE'): MmError {
    const msg = `BUG: Bad page state in process ${this.comm} pfn:${hexPfn(pfn)} reason: ${reason}\n${this.dumpPage(pfn)}`;
    this.logOnly(msg);
    return new MmError(code, msg, pfn);
  }

  /** Describes the block containing `pfn` (its head, order and kind), or -1 if free/unknown. */
  blockHead(pfn: number): number {
    const m = this.map;
    for (let o = 0; o <= MAX_PAGE_ORDER; o++) {
      const head = pfn & ~((1 << o) - 1);
      const k = m.kind[head]!;
      if (k !== PageKind.None && k !== PageKind.Tail && m.order[head]! >= o) return head;
      if (k === PageKind.Tail) return m.u0[head]!;
    }
    return -1;
  }

  /** Bytes of memmap metadata per page. */
  get metadataBytesPerPage(): number {
    return MEMMAP_BYTES_PER_PAGE;
  }

  get totalFreePages(): number {
    let n = 0;
    for (const z of this.zones) n += z.freePages;
    return n;
  }

  get pcpPages(): number {
    let n = 0;
    for (const z of this.zones) n += z.pcpCount;
    return n;
  }

  watermarksOf(z: Zone): Watermarks {
    return z.watermarks;
  }

  describe(): string {
    return `Memory#${this.id}(${this.nrPages} pages, ${this.zones.map((z) => z.name).join('+')})`;
  }
}

/** `MAX_RECLAIM_RETRIES`: how often the slow path retries after reclaim made progress. */
export const MAX_RECLAIM_RETRIES = 16;

/**
 * Direct reclaim, installed by the reclaim layer (src/reclaim/vmscan.ts) so this file need not
 * import it: returns the pages it freed.
 */
export const reclaimHook: { fn: ((mem: MemoryImpl, gfp: number, order: number) => number) | null } = { fn: null };

/* alloc_flags, as in mm/internal.h (values are memdesc's own). */
export const ALLOC_WMARK_MIN = 1;
export const ALLOC_WMARK_LOW = 2;
export const ALLOC_MIN_RESERVE = 4;
export const ALLOC_NON_BLOCK = 8;
/** `ALLOC_NO_WATERMARKS`: ignore the watermarks (allocations made from inside reclaim). */
export const ALLOC_NO_WATERMARKS = 16;

/**
 * `gfp_to_alloc_flags()`: the slow path works against the min watermark; `__GFP_HIGH` may use half
 * of the reserve below it, and a caller that cannot sleep a further quarter (unless
 * `__GFP_NOMEMALLOC`). So `GFP_ATOMIC` dips below min and `GFP_NOWAIT` does not.
 */
export function gfpToAllocFlags(gfp: number): number {
  let flags = ALLOC_WMARK_MIN;
  if (gfp & __GFP_HIGH) flags |= ALLOC_MIN_RESERVE;
  if ((gfp & __GFP_DIRECT_RECLAIM) === 0 && (gfp & __GFP_NOMEMALLOC) === 0) flags |= ALLOC_NON_BLOCK;
  return flags;
}

const ZONE_NAMES = new Set(['DMA', 'DMA32', 'Normal', 'Movable', 'HighMem', 'Device']);

function resolveZones(opts: MemoryOptions, fn: string): ZoneSpec[] {
  const has = (k: keyof MemoryOptions) => opts[k] !== undefined;
  if ([has('pages'), has('bytes'), has('zones')].filter(Boolean).length > 1) {
    invalidArgument(fn, 'give one of pages, bytes or zones', Object.keys(opts).join(','));
  }
  let specs: ZoneSpec[];
  if (opts.zones !== undefined) {
    if (!Array.isArray(opts.zones) || opts.zones.length === 0 || opts.zones.length > 4) {
      invalidArgument(fn, 'zones must be an array of 1..4 zones', opts.zones);
    }
    specs = opts.zones.map((z: unknown) => {
      const zs = z as Partial<ZoneSpec> | null;
      if (typeof zs !== 'object' || zs === null || typeof zs.name !== 'string' || !ZONE_NAMES.has(zs.name)) {
        invalidArgument(fn, `each zone needs a name among ${[...ZONE_NAMES].join(', ')}`, zs?.name ?? z);
      }
      checkPages(zs.pages, fn);
      return { name: zs.name, pages: zs.pages as number };
    });
  } else {
    let pages: number;
    if (opts.pages !== undefined) {
      pages = opts.pages;
    } else {
      const bytes = opts.bytes ?? DEFAULT_MEMORY_BYTES;
      if (typeof bytes !== 'number' || !Number.isSafeInteger(bytes) || bytes <= 0 || bytes % PAGE_SIZE !== 0) {
        invalidArgument(fn, 'bytes must be a positive multiple of PAGE_SIZE (4096)', bytes);
      }
      pages = bytes >>> 0 === bytes ? bytes >>> PAGE_SHIFT : bytes / PAGE_SIZE;
    }
    checkPages(pages, fn);
    specs = [{ name: 'Normal', pages }];
  }
  let total = 0;
  for (const s of specs) total += s.pages;
  if (total > MAX_MEMORY_PAGES) {
    invalidArgument(fn, `the machine may have at most ${MAX_MEMORY_PAGES} pages (256 GiB)`, total);
  }
  return specs;
}

function checkPages(pages: unknown, fn: string): asserts pages is number {
  if (typeof pages !== 'number' || !Number.isSafeInteger(pages) || pages <= 0 || pages > MAX_MEMORY_PAGES) {
    invalidArgument(fn, `a size in pages must be an integer in 1..${MAX_MEMORY_PAGES}`, pages);
  }
}

/** Resolves a `Memory` argument from plain JS, or throws INVALID_ARGUMENT. */
export function asMemory(x: unknown, fn: string): MemoryImpl {
  if (MemoryImpl.is(x)) return x;
  throw new MmError('INVALID_ARGUMENT', `${fn}(): expected a Memory from createMemory(), got ${describeValue(x)}`);
}
