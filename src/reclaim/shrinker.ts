/**
 * Shrinkers (include/linux/shrinker.h, mm/shrinker.c, the API since Linux 6.7): callbacks through
 * which caches give memory back under pressure. `countObjects` says how much could be freed;
 * `scanObjects` frees up to `sc.nrToScan` and says how much it did.
 *
 * @module
 */
import { MmError, describeValue, invalidArgument } from '../debug/mm-error.js';
import { asMemory, type MemoryImpl } from '../page-alloc/memory.js';
import type { Memory } from '../page-alloc/page-alloc.js';

/** `SHRINK_STOP` — from `scanObjects`: nothing can be freed now (locks busy, say); stop asking. */
export const SHRINK_STOP = -1;
/** `SHRINK_EMPTY` — from `countObjects`: the cache is empty. */
export const SHRINK_EMPTY = -2;
/** `DEFAULT_SEEKS` — how expensive an object is to recreate (the kernel's default, 2). */
export const DEFAULT_SEEKS = 2;
/** `SHRINK_BATCH` — the default batch of objects per `scanObjects` call. */
export const SHRINK_BATCH = 128;
/** `DEF_PRIORITY` — reclaim starts at this priority and works down to 0 (scan everything). */
export const DEF_PRIORITY = 12;

/**
 * `struct shrink_control` — what a shrinker is asked: the GFP flags of the allocation that needs
 * memory, the node, and how many objects to scan in this call.
 */
export interface ShrinkControl {
  /** The GFP flags of the allocation that needs memory. */
  readonly gfpMask: number;
  /** NUMA node (always 0). */
  readonly nid: number;
  /** How many objects to scan in this call. */
  nrToScan: number;
  /** How many were scanned (the shrinker may lower it). */
  nrScanned: number;
}

/**
 * `/sys/kernel/debug/shrinker/<name>/count` and `slabs_scanned`, per shrinker — one shrinker's
 * reclaim statistics (in {@link reclaimStats}).
 */
export interface ShrinkerStats {
  /** The name given to `shrinkerAlloc`. */
  readonly name: string;
  /** `do_shrink_slab()` calls. */
  readonly calls: number;
  /** Objects scanned (`slabs_scanned`). */
  readonly scanned: number;
  /** Objects freed. */
  readonly freed: number;
}

/**
 * `struct shrinker` — a cache's hook into reclaim: set the callbacks (and optionally `seeks`,
 * `batch`, `privateData`) on the object `shrinkerAlloc` returns, then `shrinkerRegister` it.
 * Reclaim (direct reclaim in an allocation that may sleep, and `kswapd`) then calls
 * `countObjects` and `scanObjects` in proportion to the cache's size and the pressure.
 *
 * **When to use**: for any cache of memory that can be given back on demand (Binder's unused pages,
 * a driver's buffer pool), so allocations succeed under pressure instead of failing.
 *
 * **Gotchas**: `scanObjects` runs inside the allocation that needed memory: allocations it makes
 * itself do not reclaim again and may use every reserve (`PF_MEMALLOC`), and a lock its caller
 * holds may already be taken (check with `spinIsLocked` and return `SHRINK_STOP`).
 * `countObjects` must return a count ≥ 0 or `SHRINK_EMPTY`, `scanObjects` a count ≥ 0 or
 * `SHRINK_STOP`; anything else is `INVALID_ARGUMENT`, thrown out of that allocation. Work asked
 * for but not done is deferred to the next call (`nr_deferred`).
 *
 * @example
 * ```ts
 * import { createMemory, shrinkerAlloc, shrinkerRegister, shrinkerFree, reclaimStats, allocPage, freePage, SHRINK_EMPTY, GFP_KERNEL, type Owned, type Page } from 'memdesc';
 * const mem = createMemory({ pages: 1024, printk: null });
 * const pool: Owned<Page<0>>[] = [];
 * const s = shrinkerAlloc(mem, 0, 'page-pool');
 * s.countObjects = () => (pool.length === 0 ? SHRINK_EMPTY : pool.length);
 * s.scanObjects = (_s, sc) => {
 *   let freed = 0;
 *   while (freed < sc.nrToScan && pool.length > 0) {
 *     freePage(pool.pop()!);
 *     freed++;
 *   }
 *   return freed;
 * };
 * shrinkerRegister(s);
 * for (let i = 0; i < 2000; i++) {
 *   const p = allocPage(mem, GFP_KERNEL); // 2000 allocations on a 1024-page machine
 *   if (p) pool.push(p);
 * }
 * // true true: reclaim took pages back from the pool whenever the machine ran low
 * console.log(pool.length < 2000, reclaimStats(mem).directReclaims > 0);
 * shrinkerFree(s);
 * while (pool.length > 0) freePage(pool.pop()!);
 * ```
 * @see {@link shrinkerAlloc}
 * @see {@link kswapd}
 */
export interface Shrinker {
  /** The name given to `shrinkerAlloc` (`/sys/kernel/debug/shrinker/<name>`). */
  readonly name: string;
  /** `count_objects`: how many objects could be freed now (or `SHRINK_EMPTY`). */
  countObjects: ((shrinker: Shrinker, sc: ShrinkControl) => number) | null;
  /** `scan_objects`: free up to `sc.nrToScan` objects; return how many were freed (or `SHRINK_STOP`). */
  scanObjects: ((shrinker: Shrinker, sc: ShrinkControl) => number) | null;
  /** `seeks`: cost to recreate an object; 0 means "ask for half of what can be freed". */
  seeks: number;
  /** `batch`: objects per `scanObjects` call (0: `SHRINK_BATCH`). */
  batch: number;
  /** `private_data`. */
  privateData: unknown;
}

export class ShrinkerImpl implements Shrinker {
  readonly #mem: MemoryImpl;
  readonly name: string;
  readonly flags: number;
  countObjects: ((shrinker: Shrinker, sc: ShrinkControl) => number) | null = null;
  scanObjects: ((shrinker: Shrinker, sc: ShrinkControl) => number) | null = null;
  seeks = DEFAULT_SEEKS;
  batch = 0;
  privateData: unknown = undefined;
  /** `nr_deferred`: work carried over from earlier calls. */
  nrDeferred = 0;
  registered = false;
  freedShrinker = false;
  /** Nesting of its own callbacks now running (`countObjects` / `scanObjects`). */
  running = 0;
  calls = 0;
  scanned = 0;
  freed = 0;
  constructor(mem: MemoryImpl, flags: number, name: string) {
    this.#mem = mem;
    this.flags = flags;
    this.name = name;
  }
  static is(x: unknown): x is ShrinkerImpl {
    return typeof x === 'object' && x !== null && #mem in x;
  }
  get mem(): MemoryImpl {
    return this.#mem;
  }
}

/** Registered shrinkers per machine, in registration order. */
const registry = new WeakMap<MemoryImpl, ShrinkerImpl[]>();

export function shrinkersOf(mem: MemoryImpl): readonly ShrinkerImpl[] {
  return registry.get(mem) ?? [];
}

function shrinkerOf(x: unknown, fn: string): ShrinkerImpl {
  if (!ShrinkerImpl.is(x)) throw new MmError('FOREIGN_HANDLE', `BUG: ${fn}(): ${describeValue(x)} is not a shrinker from shrinkerAlloc()`);
  if (x.freedShrinker) throw new MmError('USE_AFTER_FREE', `BUG: KASAN: use-after-free in ${fn}(): shrinker "${x.name}" was freed`);
  return x;
}

/**
 * `shrinker_alloc(flags, name)` (the API since Linux 6.7) — a shrinker for machine `mem`, not yet
 * registered. Set `countObjects` and `scanObjects` (and `seeks`, `batch`, `privateData` if needed),
 * then `shrinkerRegister` it.
 *
 * **When to use**: once per reclaimable cache, at "module init".
 *
 * **Gotchas**: `flags` must be an unsigned integer (`INVALID_ARGUMENT`) and are recorded only:
 * there is one node and no memcg, so `SHRINKER_NUMA_AWARE` / `SHRINKER_MEMCG_AWARE` change
 * nothing. An empty name is `INVALID_ARGUMENT`.
 *
 * @example
 * ```ts
 * import { createMemory, shrinkerAlloc, shrinkerRegister, shrinkerFree } from 'memdesc';
 * const s = shrinkerAlloc(createMemory(), 0, 'android-binder');
 * s.countObjects = () => 0;
 * s.scanObjects = () => 0;
 * shrinkerRegister(s);
 * shrinkerFree(s);
 * ```
 * @see {@link shrinkerRegister}
 * @see {@link Shrinker}
 */
export function shrinkerAlloc(mem: Memory, flags: number, name: string): Shrinker {
  const fn = 'shrinkerAlloc';
  const m = asMemory(mem, fn);
  if (typeof flags !== 'number' || flags >>> 0 !== flags) invalidArgument(fn, 'flags must be an unsigned integer', flags);
  if (typeof name !== 'string' || name.length === 0) invalidArgument(fn, 'name must be a non-empty string', name);
  return new ShrinkerImpl(m, flags, name);
}

/**
 * `shrinker_register(shrinker)` — from now on, reclaim asks it for memory.
 *
 * **When to use**: once the callbacks are set and the cache they shrink exists.
 *
 * **Gotchas**: `countObjects` and `scanObjects` must be set (`INVALID_ARGUMENT`), `seeks` and
 * `batch` must be integers ≥ 0; registering twice is `INVALID_ARGUMENT`; a freed shrinker is
 * `USE_AFTER_FREE`; a hand-made object is `FOREIGN_HANDLE`.
 *
 * @example
 * ```ts
 * import { createMemory, shrinkerAlloc, shrinkerRegister, shrinkerFree } from 'memdesc';
 * const s = shrinkerAlloc(createMemory(), 0, 'cache');
 * s.countObjects = () => 0;
 * s.scanObjects = () => 0;
 * shrinkerRegister(s);
 * shrinkerFree(s);
 * ```
 * @see {@link shrinkerFree}
 */
export function shrinkerRegister(shrinker: Shrinker): void {
  const fn = 'shrinkerRegister';
  const s = shrinkerOf(shrinker, fn);
  if (typeof s.countObjects !== 'function' || typeof s.scanObjects !== 'function') {
    invalidArgument(fn, 'set countObjects and scanObjects before registering', s.name);
  }
  if (!Number.isInteger(s.seeks) || s.seeks < 0) invalidArgument(fn, 'seeks must be an integer >= 0', s.seeks);
  if (!Number.isInteger(s.batch) || s.batch < 0) invalidArgument(fn, 'batch must be an integer >= 0', s.batch);
  if (s.registered) invalidArgument(fn, 'the shrinker is already registered', s.name);
  let list = registry.get(s.mem);
  if (list === undefined) registry.set(s.mem, (list = []));
  list.push(s);
  s.registered = true;
}

/**
 * `shrinker_free(shrinker)` — unregisters (if registered) and frees it.
 *
 * **When to use**: at "module exit", before the cache it shrinks goes away.
 *
 * **Gotchas**: freeing twice is `DOUBLE_FREE`; any later use is `USE_AFTER_FREE`; freeing it from
 * inside its own `countObjects`/`scanObjects` is `INVALID_ARGUMENT` (the kernel's `shrinker_free()`
 * waits for running callbacks, so it would wait for itself) and changes nothing; a hand-made
 * object is `FOREIGN_HANDLE`.
 *
 * @example
 * ```ts
 * import { createMemory, shrinkerAlloc, shrinkerFree } from 'memdesc';
 * shrinkerFree(shrinkerAlloc(createMemory(), 0, 'unused'));
 * ```
 * @see {@link shrinkerAlloc}
 */
export function shrinkerFree(shrinker: Shrinker): void {
  if (ShrinkerImpl.is(shrinker) && shrinker.freedShrinker) {
    throw new MmError('DOUBLE_FREE', `BUG: double free: shrinkerFree(): shrinker "${shrinker.name}" was already freed`);
  }
  const s = shrinkerOf(shrinker, 'shrinkerFree');
  if (s.running > 0) {
    // shrinker_free() waits for the callbacks in flight (shrinker->done): from inside one of them,
    // it would wait for itself forever.
    throw new MmError(
      'INVALID_ARGUMENT',
      `BUG: shrinkerFree(): shrinker "${s.name}" is freed from inside its own countObjects/scanObjects; shrinker_free() would wait for that callback to finish (deadlock)`,
    );
  }
  if (s.registered) {
    const list = registry.get(s.mem)!;
    list.splice(list.indexOf(s), 1);
    s.registered = false;
  }
  s.freedShrinker = true;
}

/**
 * `do_shrink_slab()`: asks one shrinker for work in proportion to its size and the priority —
 * `delta = (freeable >> priority) * 4 / seeks`, plus `nr_deferred >> priority` of the work deferred
 * from earlier calls, at most twice what it holds — in batches of `batch`; then defers
 * `min(max(nr_deferred + delta - scanned, 0), 2 * freeable)`. Returns the objects freed.
 */
export function doShrinkSlab(s: ShrinkerImpl, gfp: number, priority: number): number {
  // shrinker_try_get() … shrinker_put(): while its callbacks run, the shrinker cannot be freed.
  s.running++;
  try {
    return shrinkOne(s, gfp, priority);
  } finally {
    s.running--;
  }
}

function shrinkOne(s: ShrinkerImpl, gfp: number, priority: number): number {
  const sc: ShrinkControl = { gfpMask: gfp, nid: 0, nrToScan: 0, nrScanned: 0 };
  const freeable = s.countObjects!(s, sc);
  s.calls++;
  if (freeable === SHRINK_EMPTY) return 0;
  if (typeof freeable !== 'number' || !Number.isSafeInteger(freeable) || freeable < 0) {
    invalidArgument('countObjects', 'must return a count >= 0 or SHRINK_EMPTY', freeable);
  }
  if (freeable === 0) return 0;
  const nr = s.nrDeferred;
  s.nrDeferred = 0;
  let delta: number;
  if (s.seeks > 0) delta = Math.floor((Math.floor(freeable / 2 ** priority) * 4) / s.seeks);
  else delta = Math.floor(freeable / 2);
  let totalScan = Math.floor(nr / 2 ** priority) + delta;
  totalScan = Math.min(totalScan, 2 * freeable);
  const batch = s.batch > 0 ? s.batch : SHRINK_BATCH;
  let freed = 0;
  let scanned = 0;
  while (totalScan >= batch || totalScan >= freeable) {
    const nrToScan = Math.min(batch, totalScan);
    sc.nrToScan = nrToScan;
    sc.nrScanned = nrToScan;
    const ret = s.scanObjects!(s, sc);
    if (ret === SHRINK_STOP) break;
    if (typeof ret !== 'number' || !Number.isSafeInteger(ret) || ret < 0) {
      invalidArgument('scanObjects', 'must return a count >= 0 or SHRINK_STOP', ret);
    }
    freed += ret;
    totalScan -= sc.nrScanned;
    scanned += sc.nrScanned;
    if (sc.nrScanned <= 0) break;
  }
  // The deferred work grows by the new work (delta) not done, shrinks by the old work done now,
  // and is capped at twice what the shrinker holds.
  const nextDeferred = Math.min(Math.max(nr + delta - scanned, 0), 2 * freeable);
  s.nrDeferred += nextDeferred;
  s.scanned += scanned;
  s.freed += freed;
  return freed;
}

/** `shrink_slab()`: every registered shrinker of the machine, at one priority. */
export function shrinkSlab(mem: MemoryImpl, gfp: number, priority: number): number {
  let freed = 0;
  for (const s of [...shrinkersOf(mem)]) if (s.registered) freed += doShrinkSlab(s, gfp, priority);
  return freed;
}
