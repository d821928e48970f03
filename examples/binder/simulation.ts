/**
 * A Binder workload on a small machine: several processes send each other transactions of
 * realistic sizes (most under 1 KiB, some large, as Carlos Llamas describes Binder traffic), while
 * the same processes map and unmap anonymous memory, so that memory runs short and reclaim asks
 * the Binder shrinker for its Available pages.
 *
 * Each transaction is copied into a buffer in the target process's page range (`useRange`: the LRU
 * fast path or the allocating slow path), read by the target a little later, and freed
 * (`stopUsingRange`: its pages go on the LRU). Everything is deterministic for a given seed, except
 * the time it takes.
 *
 * The memory type is a parameter (`design`: `'page'`, `'folio'` or `'memdesc'`, see `designs.ts`);
 * {@link runBinderDesigns} runs the same workload once in each.
 *
 * @module
 */
import {
  GFP_HIGHUSER_MOVABLE,
  PAGE_SIZE,
  __GFP_NOWARN,
  buddyinfo,
  checkLeaks,
  createMemory,
  drainAllPages,
  folioAddRmapPte,
  folioAlloc,
  folioPfn,
  folioPut,
  folioRemoveRmapPte,
  kswapd,
  listLruContains,
  listLruCount,
  liveAllocations,
  memStats,
  reclaimStats,
  verifyMemory,
  type ARef,
  type Folio,
  type Memory,
  type MemStats,
  type Watermarks,
} from 'memdesc';
import { DESIGNS, DESIGN_NAMES } from './designs.js';
import { BinderShrinker, ShrinkablePageRange, type BinderDesign, type DesignName, type PageMetadata, type RefcountOps, type ShrinkerSkips } from './page-range.js';

/** Options of {@link runBinderDemo}. */
export interface BinderDemoOptions {
  /** Machine size in bytes (default 32 MiB: small enough that reclaim happens). */
  readonly memoryBytes?: number;
  /** Simulated processes (default 8). */
  readonly processes?: number;
  /** Transactions to send (default 20000). */
  readonly transactions?: number;
  /** Seed of the workload (default 1). */
  readonly seed?: number;
  /** Each process's Binder buffer in bytes (default 1 MiB, as Android maps it). */
  readonly bufferBytes?: number;
  /** Called every 1% of the transactions. */
  readonly onProgress?: (done: number, total: number) => void;
  /** How many timeline samples to keep (default 400). */
  readonly samples?: number;
  /** Check every invariant every this many steps (default 0: only at the end). */
  readonly checkEvery?: number;
  /** What a slot holds (default `'page'`: today's design, bare order-0 pages). */
  readonly design?: DesignName;
}

/** One timeline sample. */
export interface BinderSample {
  readonly transaction: number;
  /** Free blocks per order, all zones (`/proc/buddyinfo` summed). */
  readonly freeBlocks: readonly number[];
  /** Free pages (buddy lists and per-CPU lists). */
  readonly freePages: number;
  /** Pages on the Binder LRU (Available). */
  readonly lruPages: number;
  /** Pages in Used Binder slots. */
  readonly usedPages: number;
  /** Anonymous folios mapped by the processes. */
  readonly anonPages: number;
  /** Gets and puts on Binder's pages so far (folio design only; 0 otherwise). */
  readonly refcountOps: number;
}

/** A reclaim event on the timeline: where direct reclaim, a kswapd run or a shrinker pass happened. */
export interface BinderEvent {
  readonly transaction: number;
  readonly kind: 'direct reclaim' | 'kswapd' | 'shrinker pass';
}

/** What each design keeps per page, and what the runtime reports for a Used page at the end. */
export interface MetadataPerPage extends PageMetadata {
  /** Bytes of memmap metadata per page frame (`memStats().metadataBytesPerPage`). */
  readonly memmapBytes: number;
  /** A Used Binder page's reference count at the end of the run (null: it has none). */
  readonly observedRefcount: number | null;
  /** Its mapcount (null: it has none). */
  readonly observedMapcount: number | null;
}

/** What {@link runBinderDemo} reports. */
export interface BinderDemoResult {
  /** The memory type of the run. */
  readonly design: DesignName;
  /** What a slot held, as the source spells it. */
  readonly slotType: string;
  /** The upstream design it corresponds to. */
  readonly upstream: string;
  readonly machineBytes: number;
  readonly processes: number;
  readonly seed: number;
  readonly transactions: number;
  /** Transactions that failed: no buffer space left in the target (ENOSPC) or no page (ENOMEM). */
  readonly failedTransactions: number;
  /** Of those, the ones that failed for want of buffer space in the target (ENOSPC). */
  readonly failedNoSpace: number;
  /** Of those, the ones that failed for want of memory (ENOMEM). */
  readonly failedNoMemory: number;
  readonly bytesSent: number;
  /** Pages taken back off the LRU by `useRange` (fast path, no mmap lock). */
  readonly lruReuses: number;
  /** Pages allocated by the slow path. */
  readonly pagesAllocated: number;
  /** Pages the Binder shrinker gave back under memory pressure. */
  readonly shrinkerFreed: number;
  /** Pages the shrinker skipped because their process held its mmap lock (failed trylock). */
  readonly shrinkerSkipped: number;
  /** The same, by the trylock that failed (or, for folios, another holder). */
  readonly shrinkerSkips: ShrinkerSkips;
  /** `scan_objects` calls of the Binder shrinker. */
  readonly shrinkerPasses: number;
  /** Gets and puts on Binder's pages (only folios have a refcount). */
  readonly refcountOps: RefcountOps;
  /** `folio_lock()` / `folio_unlock()` pairs taken to copy transactions in (folio design). */
  readonly folioLocks: number;
  /** What the design keeps per page. */
  readonly metadataPerPage: MetadataPerPage;
  /** Time in Binder's own path (sending, the slow path's allocation and reclaim, reading, freeing), per transaction. */
  readonly nsPerTransaction: number;
  /** Time of the whole loop (Binder plus the anonymous memory churn), per transaction. */
  readonly wallNsPerTransaction: number;
  /**
   * CPU time of the process over the whole loop, per transaction (null where the platform cannot
   * tell): unlike the wall-clock figures, it does not grow when other processes take the CPU.
   */
  readonly cpuNsPerTransaction: number | null;
  /** Pages freed when the processes exited (their ranges were destroyed). */
  readonly freedAtTeardown: number;
  /** Allocations that entered direct reclaim. */
  readonly directReclaims: number;
  /** kswapd steps that had work. */
  readonly kswapdRuns: number;
  /** `/proc/buddyinfo` when the machine booted. */
  readonly buddyinfoAtBoot: string;
  /** `/proc/buddyinfo` at the end of the run, before teardown. */
  readonly buddyinfo: string;
  /** `/proc/buddyinfo` after every process exited and the per-CPU lists were drained. */
  readonly buddyinfoAfterTeardown: string;
  /** Whether teardown left the machine exactly as it booted (all memory free, fully merged). */
  readonly backToBoot: boolean;
  /** Memdesc kind of every pfn at the end of the run (see {@link KIND_NAMES}). */
  readonly memoryMap: Uint8Array;
  readonly timeline: readonly BinderSample[];
  /** Direct reclaims, kswapd runs and shrinker passes, by transaction. */
  readonly events: readonly BinderEvent[];
  /** The zone's watermarks, in pages. */
  readonly watermarks: Watermarks;
  readonly stats: MemStats;
}

/** Names of the memoryMap codes. */
export const KIND_NAMES = ['free', 'binder (used)', 'binder (available)', 'anon folio', 'other'] as const;

function mulberry32(seed: number): () => number {
  let s = seed | 0;
  return () => {
    let t = (s = (s + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A transaction buffer in a process's Binder range. */
interface Buffer {
  readonly start: number;
  readonly size: number;
  readonly tag: number;
  readonly readAt: number;
}

class BinderProcess {
  readonly range: ShrinkablePageRange<object>;
  /** Live buffers by start offset (binder_alloc's allocated buffers). */
  readonly buffers: Buffer[] = [];
  /** How many live buffers touch each page. */
  readonly pageUse: Int32Array;
  /** Mapped anonymous memory. */
  readonly anon: ARef<Folio<0>>[] = [];

  constructor(
    readonly pid: number,
    mem: Memory,
    shrinker: BinderShrinker<object>,
    readonly bufferBytes: number,
  ) {
    this.range = new ShrinkablePageRange(mem, shrinker, bufferBytes / PAGE_SIZE);
    this.pageUse = new Int32Array(bufferBytes / PAGE_SIZE);
  }

  /** First fit in the buffer space (binder_alloc uses best fit in an rbtree; first fit will do). */
  findSpace(size: number): number {
    let at = 0;
    for (const b of this.buffers) {
      if (b.start - at >= size) return at;
      at = b.start + b.size;
    }
    return this.bufferBytes - at >= size ? at : -1;
  }

  insert(b: Buffer): void {
    let i = this.buffers.length;
    while (i > 0 && this.buffers[i - 1]!.start > b.start) i--;
    this.buffers.splice(i, 0, b);
  }
}

/**
 * Runs the Binder workload and returns its statistics, a timeline, and the memory map at the end.
 * Throws if any invariant breaks (a page Used and on the LRU at once, data changed while a buffer
 * was live, a leak at teardown).
 */
export function runBinderDemo(options: BinderDemoOptions = {}): BinderDemoResult {
  const name = options.design ?? 'page';
  const make = DESIGNS[name] as (() => BinderDesign<object>) | undefined;
  if (make === undefined) throw new RangeError(`unknown design "${String(name)}": one of ${DESIGN_NAMES.join(', ')}`);
  return run(make(), options);
}

/** Options of {@link runBinderDesigns}. */
export interface BinderDesignsOptions extends Omit<BinderDemoOptions, 'design' | 'onProgress'> {
  /**
   * Measured rounds (default 1). Each round runs every design once, starting with a different one;
   * the counters must come out the same every time, and each design's times are the median of its
   * rounds. Before the first round each design runs the whole workload once, unmeasured (warm-up:
   * the first runs in a process are up to twice as slow while the JIT settles).
   */
  readonly repeat?: number;
  /** Called as runs finish: `done` of `total` runs. */
  readonly onProgress?: (done: number, total: number) => void;
}

/** The counters of a run that the seed decides (everything but the times). */
function countersOf(r: BinderDemoResult): string {
  const { nsPerTransaction, wallNsPerTransaction, cpuNsPerTransaction, stats, memoryMap, timeline, events, ...rest } = r;
  void nsPerTransaction;
  void wallNsPerTransaction;
  void cpuNsPerTransaction;
  void stats;
  return JSON.stringify({ ...rest, memoryMap: Array.from(memoryMap), timeline, events });
}

/** The process's CPU time in µs (user + system), or NaN outside Node. */
function cpuMicros(): number {
  const p = (globalThis as { process?: { cpuUsage?: () => { user: number; system: number } } }).process;
  if (p?.cpuUsage === undefined) return Number.NaN;
  const u = p.cpuUsage();
  return u.user + u.system;
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * Runs the same workload (same seed, same machine) in every design: `{ page, folio, memdesc }`.
 * Throws if a design breaks an invariant, leaks, or if a repeated round does not reproduce its
 * counters.
 */
export function runBinderDesigns(options: BinderDesignsOptions = {}): { readonly [N in DesignName]: BinderDemoResult } {
  const { repeat = 1, onProgress, ...rest } = options;
  if (!Number.isInteger(repeat) || repeat < 1) throw new RangeError(`repeat must be a positive integer, got ${repeat}`);
  for (const design of DESIGN_NAMES) runBinderDemo({ ...rest, design, checkEvery: 0 });
  const rounds: Partial<Record<DesignName, BinderDemoResult[]>> = {};
  let done = 0;
  for (let round = 0; round < repeat; round++) {
    for (let k = 0; k < DESIGN_NAMES.length; k++) {
      const design = DESIGN_NAMES[(round + k) % DESIGN_NAMES.length]!;
      const r = runBinderDemo({ ...rest, design });
      const list = (rounds[design] ??= []);
      if (list.length > 0 && countersOf(list[0]!) !== countersOf(r)) throw new Error(`binder: design ${design} did not reproduce its counters in round ${round + 1}`);
      list.push(r);
      onProgress?.(++done, repeat * DESIGN_NAMES.length);
    }
  }
  const pick = (n: DesignName): BinderDemoResult => {
    const list = rounds[n]!;
    const cpu = list.map((r) => r.cpuNsPerTransaction).filter((x): x is number => x !== null);
    return {
      ...list[0]!,
      nsPerTransaction: median(list.map((r) => r.nsPerTransaction)),
      wallNsPerTransaction: median(list.map((r) => r.wallNsPerTransaction)),
      cpuNsPerTransaction: cpu.length === list.length ? median(cpu) : null,
    };
  };
  return { page: pick('page'), folio: pick('folio'), memdesc: pick('memdesc') };
}

function run(design: BinderDesign<object>, options: BinderDemoOptions): BinderDemoResult {
  const memoryBytes = options.memoryBytes ?? 32 * 1024 * 1024;
  const nproc = options.processes ?? 8;
  const total = options.transactions ?? 20000;
  const seed = options.seed ?? 1;
  const bufferBytes = options.bufferBytes ?? 1024 * 1024;
  const sampleCount = options.samples ?? 400;
  const checkEvery = options.checkEvery ?? 0;
  const random = mulberry32(seed);

  const mem = createMemory({ bytes: memoryBytes, debug: 'fast', printk: null });
  const boot = buddyinfo(mem);
  const shrinker = new BinderShrinker(mem, design);
  const procs = Array.from({ length: nproc }, (_, i) => new BinderProcess(i + 1, mem, shrinker, bufferBytes));
  const timeline: BinderSample[] = [];
  const events: BinderEvent[] = [];
  const sampleEvery = Math.max(1, Math.floor(total / sampleCount));
  let failedNoSpace = 0;
  let failedNoMemory = 0;
  let bytesSent = 0;
  let anonPages = 0;
  // Anonymous memory the processes want, as a share of the machine: it swells past what fits, so
  // the kernel has to take Binder's Available pages back.
  const anonTarget = (t: number) => Math.floor((mem.nrPages * (0.5 + 0.47 * Math.sin((6 * Math.PI * t) / total))) / nproc);

  /** Transaction sizes: mostly under 1 KiB, some of a few KiB, a few large. */
  const transactionSize = (): number => {
    const r = random();
    if (r < 0.8) return 16 + Math.floor(random() * 1008);
    if (r < 0.97) return 1024 + Math.floor(random() * 15 * 1024);
    return 16 * 1024 + Math.floor(random() * 112 * 1024);
  };

  const freeBuffer = (p: BinderProcess, b: Buffer): void => {
    // The target read it: check the data survived while the buffer was live.
    const head = new Uint8Array(8);
    p.range.read(b.start, head);
    if (head[0] !== b.tag || head[7] !== b.tag) throw new Error(`binder: buffer data of pid ${p.pid} changed while in use`);
    p.buffers.splice(p.buffers.indexOf(b), 1);
    const first = Math.floor(b.start / PAGE_SIZE);
    const last = Math.floor((b.start + b.size - 1) / PAGE_SIZE);
    // BC_FREE_BUFFER: the pages no other live buffer touches become Available.
    let runStart = -1;
    for (let i = first; i <= last + 1; i++) {
      const unused = i <= last && --p.pageUse[i]! === 0;
      if (unused && runStart < 0) runStart = i;
      if (!unused && runStart >= 0) {
        p.range.stopUsingRange(runStart, i);
        runStart = -1;
      }
    }
  };

  const sendTransaction = (t: number): void => {
    const target = procs[Math.floor(random() * nproc)]!;
    const size = transactionSize();
    const start = target.findSpace(size);
    if (start < 0) {
      failedNoSpace++; // ENOSPC: the target's buffer is full of unread transactions
      return;
    }
    const first = Math.floor(start / PAGE_SIZE);
    const last = Math.floor((start + size - 1) / PAGE_SIZE);
    if (!target.range.useRange(first, last + 1)) {
      // ENOMEM: give back what was made Used for this buffer alone.
      for (let i = first; i <= last; i++) if (target.pageUse[i] === 0) target.range.stopUsingRange(i, i + 1);
      failedNoMemory++;
      return;
    }
    for (let i = first; i <= last; i++) target.pageUse[i]!++;
    const tag = 1 + (t % 255);
    const b: Buffer = { start, size, tag, readAt: t + 1 + Math.floor(random() * 40) };
    // copy_from_user(): the header and the tail of the payload are enough to check integrity.
    target.range.write(start, new Uint8Array(Math.min(size, 64)).fill(tag));
    if (size >= 8) target.range.write(start + size - 8, new Uint8Array(8).fill(tag));
    target.insert(b);
    bytesSent += size;
  };

  const adjustAnon = (t: number): void => {
    const p = procs[Math.floor(random() * nproc)]!;
    const want = anonTarget(t);
    if (p.anon.length < want) {
      // mmap(MAP_POPULATE): the process holds its mmap lock for writing while the pages are
      // allocated, so if that allocation reclaims, the shrinker must skip this process's pages.
      p.range.mm.writeLock();
      try {
        const n = Math.min(want - p.anon.length, 16);
        for (let i = 0; i < n; i++) {
          const f = folioAlloc(mem, GFP_HIGHUSER_MOVABLE | __GFP_NOWARN, 0);
          if (f === null) break; // would be an OOM kill; the process just gets less
          folioAddRmapPte(f);
          p.anon.push(f);
          anonPages++;
        }
      } finally {
        p.range.mm.writeUnlock();
      }
    } else if (p.anon.length > want) {
      const n = Math.min(p.anon.length - want, 32);
      for (let i = 0; i < n; i++) {
        const f = p.anon.pop()!;
        folioRemoveRmapPte(f); // munmap()
        folioPut(f);
        anonPages--;
      }
    }
  };

  const check = (): void => {
    verifyMemory(mem);
    for (const p of procs) {
      p.range.pages.forEach((info, i) => {
        const onLru = listLruContains(shrinker.lru, info);
        if (onLru && info.page === null) throw new Error(`binder: pid ${p.pid} page ${i} on the LRU without a page`);
        if (p.pageUse[i]! > 0 && (info.page === null || onLru)) throw new Error(`binder: pid ${p.pid} page ${i} in use but not Used`);
        if (p.pageUse[i] === 0 && info.page !== null && !onLru) throw new Error(`binder: pid ${p.pid} page ${i} Used by no buffer`);
        if (info.page !== null) {
          // Only folios are counted: the slot's reference and the page table's, one mapping.
          const o = design.observe(info.page);
          const mapped = p.range.isUserMapped(i);
          const want = design.metadata.refcount ? { refcount: mapped ? 2 : 1, mapcount: mapped ? 1 : 0 } : { refcount: null, mapcount: null };
          if (o.refcount !== want.refcount || o.mapcount !== want.mapcount) {
            throw new Error(`binder: pid ${p.pid} page ${i}: refcount ${o.refcount} mapcount ${o.mapcount}, expected ${want.refcount} / ${want.mapcount}`);
          }
        }
      });
    }
  };

  const sample = (t: number): void => {
    const s = memStats(mem);
    const freeBlocks = new Array<number>(11).fill(0);
    for (const z of s.zones) z.nrFree.forEach((n, o) => (freeBlocks[o]! += n));
    let used = 0;
    for (const p of procs) used += p.range.slotStates().filter((x) => x === 1).length;
    const ops = design.refcountOps.gets + design.refcountOps.puts;
    timeline.push({ transaction: t, freeBlocks, freePages: s.freePages + s.pcpPages, lruPages: listLruCount(shrinker.lru), usedPages: used, anonPages, refcountOps: ops });
  };

  // Reclaim events, found by watching the counters after each step.
  let seenDirect = 0;
  let seenKswapd = 0;
  let seenScans = 0;
  const noteEvents = (t: number): void => {
    const rs = reclaimStats(mem);
    for (; seenDirect < rs.directReclaims; seenDirect++) events.push({ transaction: t, kind: 'direct reclaim' });
    for (; seenKswapd < rs.kswapdRuns; seenKswapd++) events.push({ transaction: t, kind: 'kswapd' });
    for (; seenScans < shrinker.stats.scans; seenScans++) events.push({ transaction: t, kind: 'shrinker pass' });
  };

  let binderMs = 0;
  const loopStart = performance.now();
  const cpuStart = cpuMicros();
  for (let t = 0; t < total; t++) {
    // Deliver what is due, then send, then let memory use drift.
    const t0 = performance.now();
    for (const p of procs) {
      for (let i = p.buffers.length - 1; i >= 0; i--) {
        const b = p.buffers[i]!;
        if (b.readAt <= t) freeBuffer(p, b);
      }
    }
    sendTransaction(t);
    binderMs += performance.now() - t0;
    adjustAnon(t);
    if (t % 64 === 63 && reclaimStats(mem).kswapdWoken) kswapd(mem);
    noteEvents(t);
    if (checkEvery > 0 && t % checkEvery === checkEvery - 1) check();
    if (t % sampleEvery === 0) sample(t);
    if (options.onProgress && total >= 100 && t % Math.floor(total / 100) === 0) options.onProgress(t, total);
  }
  const loopMs = performance.now() - loopStart;
  const cpuUs = cpuMicros() - cpuStart;
  check();
  sample(total);
  options.onProgress?.(total, total);

  // The picture at the end: each pfn by what owns it.
  const memoryMap = memoryMapOf(mem, procs, shrinker, design);
  const metadataPerPage = metadataOf(mem, procs, design);
  const stats = memStats(mem);
  const endBuddyinfo = buddyinfo(mem);
  const rs = reclaimStats(mem);
  let lruReuses = 0;
  let pagesAllocated = 0;
  for (const p of procs) {
    lruReuses += p.range.stats.lruReuses;
    pagesAllocated += p.range.stats.pagesAllocated;
  }

  // Teardown: every process exits.
  let freedAtTeardown = 0;
  for (const p of procs) {
    for (const b of [...p.buffers]) freeBuffer(p, b);
    p.range.destroy();
    freedAtTeardown += p.range.stats.freedAtDestroy;
    for (const f of p.anon) {
      folioRemoveRmapPte(f);
      folioPut(f);
    }
    p.anon.length = 0;
  }
  shrinker.destroy();
  drainAllPages(mem);
  checkLeaks(mem);
  verifyMemory(mem);
  const after = buddyinfo(mem);

  return {
    design: design.name,
    slotType: design.slotType,
    upstream: design.upstream,
    machineBytes: memoryBytes,
    processes: nproc,
    seed,
    transactions: total,
    failedTransactions: failedNoSpace + failedNoMemory,
    failedNoSpace,
    failedNoMemory,
    bytesSent,
    lruReuses,
    pagesAllocated,
    shrinkerFreed: shrinker.stats.freed,
    shrinkerSkipped: shrinker.stats.skipped,
    shrinkerSkips: { ...shrinker.stats.skips },
    shrinkerPasses: shrinker.stats.scans,
    refcountOps: { ...design.refcountOps },
    folioLocks: design.locks.count,
    metadataPerPage,
    nsPerTransaction: Math.round((binderMs * 1e6) / total),
    wallNsPerTransaction: Math.round((loopMs * 1e6) / total),
    cpuNsPerTransaction: Number.isNaN(cpuUs) ? null : Math.round((cpuUs * 1e3) / total),
    freedAtTeardown,
    directReclaims: rs.directReclaims,
    kswapdRuns: rs.kswapdRuns,
    buddyinfoAtBoot: boot,
    buddyinfo: endBuddyinfo,
    buddyinfoAfterTeardown: after,
    backToBoot: after === boot,
    memoryMap,
    timeline,
    events,
    watermarks: stats.zones[0]!.watermarks,
    stats,
  };
}

/** A {@link KIND_NAMES} code per pfn: free, Binder Used / Available, anonymous folio, other. */
function memoryMapOf(mem: Memory, procs: readonly BinderProcess[], shrinker: BinderShrinker<object>, design: BinderDesign<object>): Uint8Array {
  const out = new Uint8Array(mem.nrPages); // 0: free
  for (const a of liveAllocations(mem)) out.fill(4, a.pfn, a.pfn + (1 << a.order));
  for (const p of procs) {
    for (const info of p.range.pages) {
      if (info.page !== null) out[design.pfn(info.page)] = listLruContains(shrinker.lru, info) ? 2 : 1;
    }
    for (const f of p.anon) out[folioPfn(f)] = 3;
  }
  return out;
}

/** The design's metadata, with the counts the runtime reports for one Used page. */
function metadataOf(mem: Memory, procs: readonly BinderProcess[], design: BinderDesign<object>): MetadataPerPage {
  let observed: { readonly refcount: number | null; readonly mapcount: number | null } = { refcount: null, mapcount: null };
  outer: for (const p of procs) {
    for (const info of p.range.pages) {
      if (info.page !== null && p.pageUse[info.index]! > 0) {
        observed = design.observe(info.page);
        break outer;
      }
    }
  }
  return {
    ...design.metadata,
    memmapBytes: memStats(mem).metadataBytesPerPage,
    observedRefcount: observed.refcount,
    observedMapcount: observed.mapcount,
  };
}
