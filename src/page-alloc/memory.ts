/**
 * The simulated machine (`struct pglist_data`): one node, its zones, the memmap, page contents, its
 * options and its linear-map window. The public entry points (`allocPages`, `freePages`, …) live in
 * `page-alloc.ts`; the algorithms they run, on integers only, in `free-area.ts` (the buddy free
 * lists, `__free_one_page()`), `pcp.ts` (the per-CPU lists), `alloc.ts` (`__alloc_pages()`, its
 * slow path and watermarks, `prep_new_page()`, the free path) and `report.ts` (`warn_alloc()`,
 * `dump_page()`, `bad_page()`).
 *
 * @module
 */
import { MmError, invalidArgument, describeValue } from '../debug/mm-error.js';
import { type PageFreeRecord, type PageOwnerRecord } from '../debug/page-owner.js';
import { MAX_PAGE_ORDER, NR_PAGE_ORDERS, PAGE_SHIFT, PAGE_SIZE } from './constants.js';
import { PAGE_OFFSET, VMALLOC_START } from '../types/address.js';
import { allocBlock, prepBlock, releaseBlock } from './alloc.js';
import { FailPageAlloc, type FailPageAllocOptions } from './fault-inject.js';
import { addToFreeList, delFromFreeList } from './free-area.js';
import { __GFP_DMA, __GFP_DMA32 } from './gfp.js';
import { Memmap, MEMMAP_BYTES_PER_PAGE, PageKind } from './memmap.js';
import { drainAll } from './pcp.js';
import { badPage, dumpPage, logOnly, printkLine } from './report.js';
import {
  VM_ALLOCATIONS,
  VM_ALLOC_FAILURES,
  VM_CLOCK,
  VM_FREES,
  VM_NR,
  VM_PCP_DRAINS,
  VM_PCP_REFILLS,
  VM_PGALLOC,
  VM_PGFREE,
  VM_SLOWPATH,
} from './vmstat.js';
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
  /** Spinlocks currently held (atomic context depth). */
  atomicDepth = 0;
  /** Inside reclaim (`PF_MEMALLOC`): allocations made by shrinkers do not reclaim again. */
  inReclaim = false;
  /** An allocation fell below the low watermark with `__GFP_KSWAPD_RECLAIM` since kswapd last ran. */
  kswapdWoken = false;
  /** Where this machine's linear map starts (`PAGE_OFFSET` for the first machine). */
  readonly linearBase: number;
  /** Scratch for rmqueue_bulk. */
  readonly bulk: Int32Array;
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
        addToFreeList(this, z, pfn, order, true);
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

  // ---------------------------------------------------------------- the algorithms (free-area.ts, pcp.ts, alloc.ts)

  /** See {@link addToFreeList}. */
  addToFreeList(z: Zone, pfn: number, order: number, tail: boolean): void {
    addToFreeList(this, z, pfn, order, tail);
  }

  /** See {@link delFromFreeList}. */
  delFromFreeList(z: Zone, pfn: number, order: number): void {
    delFromFreeList(this, z, pfn, order);
  }

  /** See {@link drainAll}. */
  drainAll(): void {
    drainAll(this);
  }

  /** See {@link allocBlock}. */
  allocBlock(gfp: number, order: number): number {
    return allocBlock(this, gfp, order);
  }

  /** See {@link prepBlock}. */
  prepBlock(pfn: number, order: number, gfp: number, kind: PageKind): void {
    prepBlock(this, pfn, order, gfp, kind);
  }

  /** See {@link releaseBlock}. */
  releaseBlock(pfn: number, order: number): void {
    releaseBlock(this, pfn, order);
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

  // ---------------------------------------------------------------- reports (report.ts)

  /** See {@link printkLine}. */
  printkLine(line: string): void {
    printkLine(this, line);
  }

  /** See {@link logOnly}. */
  logOnly(line: string): void {
    logOnly(this, line);
  }

  /** See {@link dumpPage}. */
  dumpPage(pfn: number): string {
    return dumpPage(this, pfn);
  }

  /** See {@link badPage}. */
  badPage(pfn: number, reason: string, code: MmError['code'] = 'BAD_PAGE_STATE'): MmError {
    return badPage(this, pfn, reason, code);
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

export {
  MAX_RECLAIM_RETRIES,
  reclaimHook,
  ALLOC_WMARK_MIN,
  ALLOC_WMARK_LOW,
  ALLOC_MIN_RESERVE,
  ALLOC_NON_BLOCK,
  ALLOC_NO_WATERMARKS,
  gfpToAllocFlags,
} from './alloc.js';


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
