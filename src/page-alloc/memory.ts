/**
 * The simulated machine (`struct pglist_data`): one node, its zones, the memmap, page contents, its
 * options and its linear-map window. `MemoryImpl` holds the state; the `Memory` users get is a
 * {@link MemoryHandle}, a thin object whose only field is private, so `Object.freeze` or a Proxy on
 * it cannot reach anything that changes. The public entry points (`allocPages`, `freePages`, …) live in
 * `page-alloc.ts`; the algorithms they run, on integers only, in `free-area.ts` (the buddy free
 * lists, `__free_one_page()`), `pcp.ts` (the per-CPU lists), `alloc.ts` (`__alloc_pages()`, its
 * slow path and watermarks, `prep_new_page()`, the free path) and `report.ts` (`warn_alloc()`,
 * `dump_page()`, `bad_page()`).
 *
 * @module
 */
import { MmError, invalidArgument, describeValue } from '../debug/mm-error.js';
import { PageOwner } from '../debug/page-owner.js';
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
  VM_KIND,
  VM_KINDS,
  VM_NR,
  VM_PCP_DRAINS,
  VM_PCP_REFILLS,
  VM_PGALLOC,
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
 * `CONFIG_DEBUG_VM` / `CONFIG_PAGE_OWNER`, as one knob — how much checking and recording a Memory
 * does beyond the rules that always hold:
 * - `'fast'`: the rules only (handles, states, orders); no page_owner;
 * - `'standard'` (default): plus page_owner records — each block's order, GFP flags and
 *   allocation and free timestamps — in reports, `liveAllocations` and leak checks. They cost a few
 *   typed-array stores per call (the default runs within a few percent of `'fast'`; `npm run
 *   bench` prints both). Call stacks are a separate opt-in: {@link MemoryOptions.pageOwnerStacks};
 * - `'paranoid'`: plus a full consistency check of the allocator after every call (O(pages) a call:
 *   for tests on small machines).
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
   * The node's zones (1 to 4), each at most once and in the kernel's order (`enum zone_type`: DMA,
   * DMA32, Normal, HighMem, Movable, Device), lowest first; their sizes replace `pages`/`bytes`.
   * Default: one `Normal` zone. Out of order or twice is `INVALID_ARGUMENT`.
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
  /**
   * `page_owner=on`'s stack traces (the kernel's stack depot) — record the call stack of every
   * allocation and free, so `liveAllocations`, `checkLeaks`, double-free and bad-page reports say
   * *where* as well as *when*. Default `false`: the kernel, too, keeps page_owner off unless booted
   * with `page_owner=on`, because stacks cost.
   *
   * **Cost**: V8 needs 1.5–10 µs to capture a stack, so an order-0 allocation and free go from
   * about 0.05 µs a pair to about 17 µs — some 330× (`npm run bench`, row `page-owner-stacks`: 17.2
   * µs against 53 ns, median of 5 processes on a 2-core AMD EPYC, Node 20). `allocPagesBulk` and `vfree` take one stack per
   * call. Turn it on in the test that hunts a leak or a double free, not in a workload.
   *
   * **Gotchas**: needs page_owner: with `debug: 'fast'` it is `INVALID_ARGUMENT`. A boolean, or
   * `INVALID_ARGUMENT`.
   */
  readonly pageOwnerStacks?: boolean;
  /** `init_on_alloc=1`: zero every allocation, as if `__GFP_ZERO` were always given. A boolean. */
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
 * (what virt_to_page() gets) says which machine it belongs to, in 1 GiB steps from PAGE_OFFSET. A
 * machine takes its window when it first hands out a linear-map address (`linearBase`): a machine
 * that never does so takes none. The table refers to machines weakly, and a dropped machine's window
 * is given back when it is collected (a FinalizationRegistry, below).
 *
 * Nothing on the creation path makes a WeakRef: V8 keeps the target of every WeakRef created (or
 * deref'd) alive until the current job ends (ECMA-262 AddToKeptObjects), so one made in
 * createMemory would keep every machine a synchronous loop creates until the loop returns. The
 * WeakRef is made when the machine first needs an address-to-machine lookup (a linear-map address,
 * a vmalloc area): only a machine that has handed out an address is kept to the end of its job.
 */
const WINDOW_SHIFT = 30;
const WINDOW = 2 ** WINDOW_SHIFT;
const LINEAR_WINDOWS = Math.floor((VMALLOC_START - PAGE_OFFSET) / WINDOW);
const windows = new Map<number, WeakRef<MemoryImpl>>();
let nextWindow = 0;

/**
 * What outlives a machine for its address lookups: a weak reference, whether it is gone, and its
 * window. Held by the address tables (the linear-map windows, vmalloc areas), never by the machine's
 * creation path.
 */
export interface MachineLife {
  readonly ref: WeakRef<MemoryImpl>;
  /** Set when the machine was collected: its vmalloc areas and windows are dead. */
  gone: boolean;
  firstWindow: number;
  nrWindows: number;
}

/** Windows given back by collected machines, to reuse first once the bump pointer reached the end. */
const freeWindows: number[] = [];
/** Where the next scan for a run of free windows starts (it goes round). */
let scanFrom = 0;

/** Gives a collected machine's windows back (each only if still its: a window may be reused first). */
const reaper = new FinalizationRegistry<MachineLife>((life) => {
  life.gone = true;
  for (let w = life.firstWindow; w < life.firstWindow + life.nrWindows; w++) {
    if (windows.get(w) === life.ref) {
      windows.delete(w);
      freeWindows.push(w);
    }
  }
});

/** Whether window `w` belongs to no live machine (given back, or its machine collected already). */
function windowFree(w: number): boolean {
  const ref = windows.get(w);
  return ref === undefined || ref.deref() === undefined;
}

function reserveWindows(count: number): number {
  if (nextWindow + count <= LINEAR_WINDOWS) {
    const first = nextWindow;
    nextWindow += count;
    return first;
  }
  // The bump pointer reached the end: a window a collected machine gave back, else a run of free
  // ones found by a scan that goes round from where the last one stopped.
  while (count === 1 && freeWindows.length > 0) {
    const w = freeWindows.pop()!;
    if (!windows.has(w)) return w;
  }
  let run = 0;
  for (let k = 0; k < LINEAR_WINDOWS; k++) {
    const w = (scanFrom + k) % LINEAR_WINDOWS;
    if (w === 0) run = 0; // a run does not wrap round the end of the address space
    if (windowFree(w)) {
      if (++run === count) {
        scanFrom = (w + 1) % LINEAR_WINDOWS;
        return w - count + 1;
      }
    } else {
      run = 0;
    }
  }
  throw new MmError('INVALID_ARGUMENT', 'no linear-map address space left for another machine (every window belongs to a live machine)');
}

/**
 * The public `Memory`: a thin handle. Its only field is private, so a user's `Object.freeze`, a
 * Proxy or a spread copy reaches nothing that changes; every call unwraps it with
 * {@link MemoryHandle.impl}.
 */
export class MemoryHandle {
  readonly #m: MemoryImpl;

  constructor(m: MemoryImpl) {
    this.#m = m;
  }

  /** Pages in the machine. */
  get nrPages(): number {
    return this.#m.nrPages;
  }

  /** `current->comm` used in reports. */
  get comm(): string {
    return this.#m.comm;
  }

  /** The debug level it was created with. */
  get debugLevel(): DebugLevel {
    return this.#m.debugLevel;
  }

  toString(): string {
    return this.#m.describe();
  }

  /** What `console.log(mem)` shows. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }

  /** The machine behind a `Memory` argument, or undefined for anything else. */
  static impl(x: unknown): MemoryImpl | undefined {
    return typeof x === 'object' && x !== null && #m in x ? (x as MemoryHandle).#m : undefined;
  }
}

/**
 * The machine's state. Reach it through the public functions; its fields are internal, and users
 * never hold it: they hold a {@link MemoryHandle}, page handles, caches and addresses.
 */
export class MemoryImpl {
  readonly id = ++memoryIds;
  readonly nrPages: number;
  readonly map: Memmap;
  readonly zones: Zone[];
  /** Zone of each pfn is found by range; with one zone this is always zones[0]. */
  readonly zoneEnds: Int32Array;
  /** `zones[0]` when the machine has one zone (the common case, inlined on the hot path), else null. */
  readonly soleZone: Zone | null;
  /**
   * Whether the inline order-0 paths of `allocPage`/`freePage` may run: one zone, not `'paranoid'`
   * (which checks after every call), no fault injection armed. See {@link MemoryImpl.updateFast}.
   */
  fast = false;
  readonly comm: string;
  readonly debugLevel: DebugLevel;
  readonly initOnAlloc: boolean;
  readonly minFreeKbytes: number;
  readonly watermarkScaleFactor: number;
  printk: ((line: string) => void) | null;
  /** Page bytes, materialised lazily: a pfn has an entry only once it holds non-zero data. */
  readonly contents = new Map<number, Uint8Array>();
  /** page_owner (`debug: 'standard'` and `'paranoid'`); null with `debug: 'fast'`. */
  readonly pageOwner: PageOwner | null;
  /** `pageOwnerStacks: true`: capture a stack per allocation and free. */
  readonly pageOwnerStacks: boolean;
  readonly fail = new FailPageAlloc();
  /** Counters (`/proc/vmstat`) and the clock, in a Float64Array: no field ever changes shape. */
  readonly vm = new Float64Array(VM_NR);
  /** `debug: 'paranoid'`: verify the whole allocator after every call. */
  readonly paranoid: boolean;
  /** Pages in live allocations, by memdesc kind (index: PageKind): a view of `vm` from `VM_KIND`. */
  readonly allocatedByKind = new Float64Array(this.vm.buffer, VM_KIND * 8, VM_KINDS);
  /** Live folios by order (`/proc/meminfo`-style statistics per memdesc). */
  readonly foliosByOrder = new Float64Array(NR_PAGE_ORDERS);
  /** The kernel log ring. */
  readonly log: string[] = [];
  /** Which `WARN_ON_ONCE()`s have fired. */
  readonly warnedOnce = new Set<string>();
  /** Spinlocks currently held (atomic context depth). */
  atomicDepth = 0;
  /** Inside reclaim (`PF_MEMALLOC`): allocations made by shrinkers do not reclaim again. */
  inReclaim = false;
  /** An allocation fell below the low watermark with `__GFP_KSWAPD_RECLAIM` since kswapd last ran. */
  kswapdWoken = false;
  /** Where the linear map starts, once the machine has a window (-1 before). */
  #linearBase = -1;
  /** The address tables' view of this machine, made at the first address (see MachineLife). */
  #life: MachineLife | null = null;
  /** Scratch for rmqueue_bulk. */
  readonly bulk: Int32Array;
  /** Initial free-list counts per zone, for tests that check full coalescing. */
  readonly initialNrFree: readonly Int32Array[];

  /** The machine whose linear map holds `addr`, if any. */
  static forLinearAddress(addr: number): MemoryImpl | undefined {
    if (addr < PAGE_OFFSET || addr >= VMALLOC_START) return undefined;
    const m = windows.get(Math.floor((addr - PAGE_OFFSET) / WINDOW))?.deref();
    if (m === undefined || addr >= m.#linearBase + m.nrPages * PAGE_SIZE) return undefined;
    return m;
  }

  /** Whether `addr` lies in this machine's linear map (no table lookup: for callers that know the machine). */
  ownsLinear(addr: number): boolean {
    const base = this.#linearBase;
    return base >= 0 && addr >= base && addr < base + this.nrPages * PAGE_SIZE;
  }

  /** `opts` is a plain copy, read once by createMemory (plainMemoryOptions). */
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
    for (const k of ['initOnAlloc', 'pageOwnerStacks'] as const) {
      const v = opts[k];
      if (v !== undefined && typeof v !== 'boolean') invalidArgument(fn, `${k} must be a boolean`, v);
    }
    const stacks = opts.pageOwnerStacks === true;
    if (stacks && debug === 'fast') {
      invalidArgument(fn, "pageOwnerStacks needs page_owner: debug 'standard' or 'paranoid', not 'fast'", opts.debug);
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
    this.comm = comm;
    this.debugLevel = debug;
    this.paranoid = debug === 'paranoid';
    this.initOnAlloc = opts.initOnAlloc === true;
    this.minFreeKbytes = minFree;
    this.watermarkScaleFactor = wsf;
    this.printk = opts.printk === undefined ? (line) => console.warn(line) : opts.printk;
    this.pageOwnerStacks = stacks;
    // configure() validates every field before it changes anything; a throw here leaves no Memory.
    if (opts.failPageAlloc !== undefined) this.fail.configure(opts.failPageAlloc, fn);
    this.pageOwner = debug === 'fast' ? null : new PageOwner(nrPages, stacks);
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
    this.soleZone = this.zones.length === 1 ? this.zones[0]! : null;
    this.updateFast();
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

  /**
   * Where this machine's linear map starts: `PAGE_OFFSET` for the first machine that hands out a
   * linear-map address, the next window for the next one. Taken on first use.
   */
  get linearBase(): number {
    const base = this.#linearBase;
    return base >= 0 ? base : this.#mapLinear();
  }

  #mapLinear(): number {
    const life = this.life();
    const count = Math.ceil((this.nrPages * PAGE_SIZE) / WINDOW);
    const first = reserveWindows(count);
    for (let w = first; w < first + count; w++) windows.set(w, life.ref);
    life.firstWindow = first;
    life.nrWindows = count;
    this.#linearBase = PAGE_OFFSET + first * WINDOW;
    return this.#linearBase;
  }

  /**
   * The address tables' weak view of this machine (made on first call: see the note on windows
   * above), registered so that its windows are given back once the machine is collected.
   */
  life(): MachineLife {
    let life = this.#life;
    if (life === null) {
      life = { ref: new WeakRef(this), gone: false, firstWindow: 0, nrWindows: 0 };
      reaper.register(this, life);
      this.#life = life;
    }
    return life;
  }

  /** Recomputes {@link MemoryImpl.fast}: after fault injection is configured or runs out. */
  updateFast(): void {
    this.fast = this.soleZone !== null && !this.paranoid && !this.fail.enabled;
  }

  /** Pages freed (`pgfree`): pages allocated less those still allocated, so no free counts it. */
  get pgfree(): number {
    let live = 0;
    for (const n of this.allocatedByKind) live += n;
    return this.vm[VM_PGALLOC]! - live;
  }

  /** Live allocations (successful allocations less frees). */
  get liveAllocations(): number {
    return this.vm[VM_ALLOCATIONS]! - this.vm[VM_FREES]!;
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
      pgfree: this.pgfree,
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

export { reclaimHook } from './hooks.js';
export {
  MAX_RECLAIM_RETRIES,
  ALLOC_WMARK_MIN,
  ALLOC_WMARK_LOW,
  ALLOC_MIN_RESERVE,
  ALLOC_NON_BLOCK,
  ALLOC_NO_WATERMARKS,
  gfpToAllocFlags,
} from './alloc.js';

/** `enum zone_type`, in the kernel's order: a node's zones must come in this order, each once. */
const ZONE_ORDER: readonly string[] = ['DMA', 'DMA32', 'Normal', 'HighMem', 'Movable', 'Device'];

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
    let last = -1;
    specs = opts.zones.map((z: unknown) => {
      const zs = z as Partial<ZoneSpec> | null;
      const rank = typeof zs === 'object' && zs !== null && typeof zs.name === 'string' ? ZONE_ORDER.indexOf(zs.name) : -1;
      if (rank < 0) invalidArgument(fn, `each zone needs a name among ${ZONE_ORDER.join(', ')}`, zs?.name ?? z);
      const name = zs!.name!;
      if (rank <= last) {
        invalidArgument(
          fn,
          `zones must come in the kernel's order (${ZONE_ORDER.join(' < ')}), each at most once: ${name} ${rank === last ? 'is given twice' : `comes after ${ZONE_ORDER[last]}`}`,
          name,
        );
      }
      last = rank;
      checkPages(zs!.pages, fn);
      return { name, pages: zs!.pages as number };
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
  const m = MemoryHandle.impl(x);
  if (m !== undefined) return m;
  throw new MmError('INVALID_ARGUMENT', `${fn}(): expected a Memory from createMemory(), got ${describeValue(x)}`);
}
