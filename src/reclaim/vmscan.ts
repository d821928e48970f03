/**
 * Reclaim (mm/vmscan.c): direct reclaim from an allocation that may sleep, and a kswapd step that
 * restores the high watermark. memdesc has no page-cache LRUs: what reclaim frees is what the
 * registered shrinkers give back (Binder's page range, caches of your own).
 *
 * @module
 */
import { MmError } from '../debug/mm-error.js';
import { __GFP_DIRECT_RECLAIM, GFP_KERNEL } from '../page-alloc/gfp.js';
import { asMemory, reclaimHook, type MemoryImpl } from '../page-alloc/memory.js';
import type { Memory } from '../page-alloc/page-alloc.js';
import { DEF_PRIORITY, shrinkSlab, shrinkersOf, type ShrinkerStats } from './shrinker.js';

/**
 * `SWAP_CLUSTER_MAX` — direct reclaim aims for at least this many pages (32) per pass
 * (`sc->nr_to_reclaim`), or 2^order for a larger allocation.
 */
export const SWAP_CLUSTER_MAX = 32;

/**
 * `/proc/vmstat`'s `allocstall` and `pageoutrun`, with the per-shrinker counts of
 * `/sys/kernel/debug/shrinker` — a machine's reclaim statistics ({@link reclaimStats}).
 */
export interface ReclaimStats {
  /** `allocstall`: allocations that entered direct reclaim. */
  readonly directReclaims: number;
  /** Pages freed by direct reclaim (measured as free pages gained). */
  readonly directReclaimed: number;
  /** `kswapd` steps that had work to do. */
  readonly kswapdRuns: number;
  /** Pages freed by kswapd. */
  readonly kswapdReclaimed: number;
  /** Whether an allocation has woken kswapd since its last run (`__GFP_KSWAPD_RECLAIM` below low). */
  readonly kswapdWoken: boolean;
  /** Per registered shrinker: calls, objects scanned and freed. */
  readonly shrinkers: readonly ShrinkerStats[];
}

interface Counters {
  directReclaims: number;
  directReclaimed: number;
  kswapdRuns: number;
  kswapdReclaimed: number;
}
const counters = new WeakMap<MemoryImpl, Counters>();
function countersOf(mem: MemoryImpl): Counters {
  let c = counters.get(mem);
  if (c === undefined) counters.set(mem, (c = { directReclaims: 0, directReclaimed: 0, kswapdRuns: 0, kswapdReclaimed: 0 }));
  return c;
}

function freeAndCached(mem: MemoryImpl): number {
  return mem.totalFreePages + mem.pcpPages;
}

/**
 * `try_to_free_pages()` / `do_try_to_free_pages()`: shrink at priority 12, 11, … 0 until at least
 * `SWAP_CLUSTER_MAX` (or 2^order) pages were freed. Returns the pages gained. Runs with the
 * allocation's task marked `PF_MEMALLOC`: allocations made by the shrinkers do not reclaim again.
 */
export function directReclaim(mem: MemoryImpl, gfp: number, order: number): number {
  const c = countersOf(mem);
  c.directReclaims++;
  const before = freeAndCached(mem);
  const target = Math.max(SWAP_CLUSTER_MAX, 1 << order);
  mem.inReclaim = true;
  try {
    for (let priority = DEF_PRIORITY; priority >= 0; priority--) {
      shrinkSlab(mem, gfp, priority);
      if (freeAndCached(mem) - before >= target) break;
    }
  } finally {
    mem.inReclaim = false;
  }
  const gained = Math.max(0, freeAndCached(mem) - before);
  c.directReclaimed += gained;
  return gained;
}

function belowHigh(mem: MemoryImpl): boolean {
  return mem.zones.some((z) => z.freePages <= z.wmarkHigh);
}

/**
 * `kswapd` — one `balance_pgdat()` pass: if any zone is at or below its high watermark, shrink at
 * priority 12 down to 0 until every zone is above it again (or priority 0 has been tried).
 * Deterministic: it runs only when called. Returns the pages it freed.
 *
 * **When to use**: call it between steps of a simulation, as the kernel's kswapd thread would run
 * in the background after an allocation woke it (`reclaimStats(mem).kswapdWoken`).
 *
 * **Gotchas**: memdesc has no page-cache LRUs: kswapd frees only what the registered shrinkers give
 * back, and returns 0 without shrinkers or above the high watermark. It clears `kswapdWoken`. A
 * non-`Memory` argument is `INVALID_ARGUMENT`; a shrinker that throws makes it throw. kswapd is its
 * own thread: called under a spinlock it runs as kswapd does on another CPU while this task holds
 * the lock — its shrinkers find the lock taken (`spinIsLocked`) but run in kswapd's context, where
 * they may sleep (not `SLEEP_IN_ATOMIC`). Called from inside reclaim (a shrinker's callback) it is
 * `INVALID_ARGUMENT`: memdesc's single task cannot run two reclaims at once.
 *
 * @example
 * ```ts
 * import { createMemory, kswapd } from 'memdesc';
 * console.log(kswapd(createMemory())); // 0: nothing to do above the high watermark
 * ```
 * @see {@link reclaimStats}
 * @see {@link Shrinker}
 */
export function kswapd(mem: Memory): number {
  const fn = 'kswapd';
  const m = asMemory(mem, fn);
  if (m.inReclaim) {
    throw new MmError('INVALID_ARGUMENT', `${fn}(): called from inside reclaim (a shrinker callback); reclaim does not nest (PF_MEMALLOC)`);
  }
  m.kswapdWoken = false;
  if (!belowHigh(m) || shrinkersOf(m).length === 0) return 0;
  const c = countersOf(m);
  c.kswapdRuns++;
  const before = freeAndCached(m);
  // kswapd's own context: not atomic, whatever locks the task that let it run holds (they stay
  // held: a shrinker's trylock of one fails, as it would against another CPU).
  const callerAtomicDepth = m.atomicDepth;
  m.atomicDepth = 0;
  m.inReclaim = true;
  try {
    // balance_pgdat(): lower the priority (scan more) until every zone is balanced.
    for (let priority = DEF_PRIORITY; priority >= 0 && belowHigh(m); priority--) shrinkSlab(m, GFP_KERNEL, priority);
  } finally {
    m.inReclaim = false;
    m.atomicDepth = callerAtomicDepth;
  }
  const gained = Math.max(0, freeAndCached(m) - before);
  c.kswapdReclaimed += gained;
  return gained;
}

/**
 * `/proc/vmstat`'s `allocstall`, `pageoutrun` and `slabs_scanned`, and the per-shrinker counts of
 * `/sys/kernel/debug/shrinker` — the reclaim statistics of a machine.
 *
 * **When to use**: in tests of a shrinker: did reclaim run, did it ask your shrinker, how much did
 * it free.
 *
 * **Gotchas**: a snapshot: it does not change as reclaim goes on. Pages "reclaimed" are measured as
 * free pages gained, so a shrinker that frees memory another caller grabs at once is undercounted.
 *
 * @example
 * ```ts
 * import { createMemory, reclaimStats } from 'memdesc';
 * console.log(reclaimStats(createMemory()).directReclaims); // 0
 * ```
 */
export function reclaimStats(mem: Memory): ReclaimStats {
  const m = asMemory(mem, 'reclaimStats');
  const c = countersOf(m);
  return {
    ...c,
    kswapdWoken: m.kswapdWoken,
    shrinkers: shrinkersOf(m).map((s) => ({ name: s.name, calls: s.calls, scanned: s.scanned, freed: s.freed })),
  };
}

// Direct reclaim in the page allocator's slow path (installed when this module loads).
reclaimHook.fn = (mem, gfp, order) => (gfp & __GFP_DIRECT_RECLAIM && shrinkersOf(mem).length > 0 ? directReclaim(mem, gfp, order) : 0);
