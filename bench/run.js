/**
 * memdesc benchmark harness.
 *
 *     npx tsc -p tsconfig.build.json   # builds dist/, which this file imports
 *     node bench/run.js                # full run (about 50 s)
 *     node bench/run.js --quick        # smoke test: fewer, shorter runs (< 10 s)
 *     node bench/run.js --json-only    # print the JSON report instead of the table
 *
 * Scenarios: six of the page allocator (order0-lifo-1024, random-256-live, random-orders-0-3,
 * worst-case-split-merge, worst-case-split-merge-pcp1, order10-direct), three of the memdesc layers
 * above it (folio-get-put, kmem-cache-alloc-free, vmalloc-16-pages), and createMemory-64GiB. Only
 * order0-lifo-1024, random-256-live and createMemory-64GiB have targets; the others are reported as
 * "(information)".
 *
 * Each scenario is run, in one process, by two to four implementations of the same access pattern
 * (memdesc and the limit always; the limit+handle and the peer where they apply):
 *
 * - MEMDESC: the real thing, `createMemory({ debug: 'fast', printk: null })` and the public API
 *   (`allocPage`/`freePage`, `allocPages`/`freePages`, `drainAllPages`; in the layer scenarios
 *   `folioAlloc`/`folioGet`/`folioPut`, `kmemCacheCreate`/`kmemCacheAlloc`/`kmemCacheFree`/
 *   `kmemCacheDestroy`, `vmalloc`/`vfree`). Every call validates its arguments and returns/consumes
 *   a handle object (page, folio reference) or an address (slab object, vmalloc area), as a user's
 *   code would see it.
 * - LIMIT: the fastest thing that could possibly do the same job in JavaScript — a bare
 *   `Int32Array` stack of free pfns: allocate = pop, free = push. It holds the popped pfns in the
 *   same kind of plain JS array memdesc's version holds its handles in. It does no splitting, no
 *   merging, no validation; it is a floor, not a competitor. In the layer scenarios: a refcount
 *   slot of an `Int32Array` column (increment; decrement and check for zero) for folio-get-put, a
 *   stack of 256-byte object slot numbers for kmem-cache-alloc-free, 16 pops into an
 *   `Int32Array(16)` and 16 pushes back for vmalloc-16-pages.
 * - LIMIT+HANDLE (order0-lifo-1024, random-256-live and folio-get-put only): the LIMIT plus what
 *   any design with unforgeable, stale-checked object handles must pay, whatever its allocator. Each allocation
 *   creates a handle of a class with 5 ES private fields (memory object, pfn, head pfn, generation,
 *   bits), like memdesc's `PageHandle` (src/page-alloc/handle.ts); each free brand-checks it
 *   (`#pfn in h`), compares its generation with a `Uint32Array` generation column indexed by pfn
 *   (reached through the handle's memory object, since a free gets nothing but the handle), bumps
 *   that generation and marks the handle dead. memdesc/(limit+handle) is what memdesc's allocator
 *   and API cost above that floor; it is information only — the verdicts compare with the bare
 *   LIMIT and the PEER. In folio-get-put the same class stands for a counted reference: each get
 *   checks the handle it is taken through, counts one more in an `Int32Array` refcount column and
 *   creates a handle; each put brand-, dead- and stale-checks it, checks for underflow, counts one
 *   less and marks it dead (a put bumps no generation: nothing is freed).
 * - PEER: `MemPool` from `@thi.ng/malloc`, a general-purpose first-fit allocator over an
 *   ArrayBuffer, doing `malloc(4096 << order)` / `free(addr)` (kmem-cache-alloc-free: `malloc(256)`,
 *   vmalloc-16-pages: `malloc(65536)`). folio-get-put has no peer (MemPool has no reference
 *   counts): its peer columns show n/a and its peer ratio in the JSON is null.
 *
 * Method:
 * - Work is done in ROUNDS (1024 operations, or one pass over the 65536-step random sequence;
 *   vmalloc-16-pages: 4096, so that each round holds exactly one of the compactions memdesc's
 *   vfree() does every 4096 calls); a run is a whole number of rounds. The unit reported is ns per
 *   op pair: alloc+free (get+put in folio-get-put).
 * - Each implementation is calibrated to a run of about 200 ms (10 ms with --quick), warmed up
 *   (JIT) for at least 300 ms (20 ms), then timed for RUNS runs with `process.hrtime.bigint()`.
 *   The runs of the implementations are interleaved, with a rotating order, so slow drift of the
 *   machine does not favour one of them. The figure reported is the median run.
 * - Random scenarios replay one pre-computed seeded sequence, from its start, every round, so all
 *   implementations see exactly the same steps.
 * - A checksum folds one pfn/address per round (`pageToPfn` for memdesc, the handle's pfn for the
 *   limit+handle; folio-get-put: pfn + refcount; slab objects: the address's low 32 bits;
 *   vmalloc: `pageToPfn(vmallocToPage(area))`), so no work can be optimised away; each
 *   implementation's checksum is printed and stored.
 * - After the timed runs, each implementation frees everything it holds and is checked:
 *   memdesc with `verifyMemory`, a `buddyinfo` equal to the initial one, and a `vmstat` allocation
 *   count equal to the number of allocations the harness asked for; the limit by its stack depth;
 *   the limit+handle by its stack depth and by its generation column, whose sum must equal the
 *   number of frees; the peer by `MemPool.stats()`. The layer scenarios check memdesc with
 *   `verifyMemory` before and after `drainAllPages`, an empty `liveAllocations` once everything is
 *   freed (the kmem cache: before `kmemCacheDestroy` too, as a cache keeps no empty slab), the
 *   initial `buddyinfo` after the drain, and vmstat allocations = frees (= 1 folio, = 16 per vmalloc;
 *   the cache's slab count is its own, printed in the notes); the folio's count must be back to 1
 *   before its last put. Their limits check their stack depth or refcount slot.
 * - The machine is 256 MiB (65536 pages), far above the watermarks for every scenario; the peer's
 *   pool is as large (plus room for its 8-byte block headers).
 * - `createMemory-64GiB` runs in fresh child processes (bench/child-create.js) so RSS is that of
 *   the allocator alone plus Node's baseline.
 *
 * Results: a table on stdout, and the same data (with every raw run time) in
 * bench/results/bench.json. Progress goes to stderr.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));

let md;
try {
  md = await import('../dist/index.js');
} catch (e) {
  console.error(`bench: cannot load ../dist/index.js (${e.message}).\nBuild first: npx tsc -p tsconfig.build.json`);
  process.exit(1);
}
const { createMemory, allocPage, allocPages, freePage, freePages, pageToPfn, drainAllPages, memStats, buddyinfo, verifyMemory, GFP_KERNEL, PAGE_SIZE } = md;
const { folioAlloc, folioGet, folioPut, folioPfn, folioRefCount, liveAllocations } = md;
const { kmemCacheCreate, kmemCacheAlloc, kmemCacheFree, kmemCacheDestroy, calculateOrder, vmalloc, vfree, vmallocToPage } = md;
const { MemPool } = await import('@thi.ng/malloc');

// ------------------------------------------------------------------------------------ settings

const ARGS = new Set(process.argv.slice(2));
for (const a of ARGS) {
  if (a !== '--quick' && a !== '--json-only') {
    console.error(`bench: unknown argument ${a}\nusage: node bench/run.js [--quick] [--json-only]`);
    process.exit(2);
  }
}
const QUICK = ARGS.has('--quick');
const JSON_ONLY = ARGS.has('--json-only');

const CFG = {
  /** Aim of one timed run. */
  targetRunMs: QUICK ? 10 : 200,
  /** Calibration stops growing a run once it takes this long. */
  calibrateMs: QUICK ? 2 : 20,
  /** Minimum warm-up per implementation, after calibration. */
  warmupMs: QUICK ? 20 : 300,
  /** Timed runs per implementation; the median is reported. */
  runs: QUICK ? 5 : 7,
  /** Child processes for createMemory-64GiB (each is one timed run). */
  createRuns: QUICK ? 1 : 5,
};

/** The simulated machine of the timed scenarios: 256 MiB. */
const MACHINE_PAGES = 65536;
/** The peer's pool: as many 4 KiB blocks as the machine has pages, plus their 8-byte headers. */
const POOL_BYTES = MACHINE_PAGES * PAGE_SIZE + 2 * 1024 * 1024;
/** Operations per round in the non-random scenarios. */
const ROUND = 1024;
/** Live allocations in the random scenarios (a power of two: the slot is `rand & LIVE_MASK`). */
const LIVE = 256;
const LIVE_MASK = LIVE - 1;
/** Length of the random sequence; one round of a random scenario is one pass over it. */
const SEQ_LEN = 65536;
const SEED = 0x6d656d64; // 'memd'
/** kmem-cache-alloc-free: the object size of the cache, and the limit's object slots (the machine's bytes in objects). */
const OBJ_SIZE = 256;
const OBJ_SLOTS = (MACHINE_PAGES * PAGE_SIZE) / OBJ_SIZE;
/** vmalloc-16-pages: pages per area. */
const VMALLOC_PAGES = 16;
/**
 * vmalloc-16-pages: pairs per round. memdesc's vfree() compacts its list of freed areas once every
 * 4096 vfrees (src/vmalloc/vmalloc.ts, compact()), and that one call costs far more than the 4095
 * others; a run of whole rounds of 4096 pairs holds exactly one compaction per round, whatever the
 * phase, so the median run is the amortized cost (with rounds of 1024, 3 runs in 4 would miss it).
 */
const VMALLOC_ROUND = 4096;
/** The 64 GiB machine of createMemory-64GiB, in pages. */
const BIG_PAGES = 16 * 1024 * 1024;

const MiB = 1024 * 1024;

// ------------------------------------------------------------------------------------ helpers

/** mulberry32: a small, fast, seedable PRNG (uint32 results). */
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/**
 * The random sequence shared by all implementations. Step s uses `SEQ[s]`: bits 0..7 pick
 * the live slot to free and refill, bits 8..9 the order of the new block (random-orders-0-3).
 */
const SEQ = new Uint32Array(SEQ_LEN);
/** Orders of the initial LIVE blocks of random-orders-0-3. */
const INIT_ORDERS = new Uint8Array(LIVE);
{
  const rand = mulberry32(SEED);
  for (let i = 0; i < SEQ_LEN; i++) SEQ[i] = rand();
  for (let i = 0; i < LIVE; i++) INIT_ORDERS[i] = rand() & 3;
}

/** A plain JS array of n small integers (PACKED_SMI), the holder type used by all implementations. */
function heldArray(n) {
  const a = [];
  for (let i = 0; i < n; i++) a.push(0);
  return a;
}

/** A fresh memdesc machine for the timed scenarios. */
function newMachine(extra = {}) {
  return createMemory({ pages: MACHINE_PAGES, debug: 'fast', printk: null, ...extra });
}

/** An allocation that must not fail did: the machine is too small or the harness is wrong. */
function allocFailed(who, scenario) {
  throw new Error(`bench: ${who} allocation failed in ${scenario}`);
}

/** FNV-1a offset basis: the checksum of no runs at all. */
const CHECKSUM_INIT = 0x811c9dc5;
/** Folds a run's checksum (a non-negative integer, possibly above 2^32) into a running 32-bit one. */
const foldChecksum = (acc, x) => {
  acc = Math.imul(acc ^ (x >>> 0), 0x01000193);
  return (Math.imul(acc ^ Math.floor(x / 0x100000000), 0x01000193) >>> 0);
};

const now = () => process.hrtime.bigint();

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const log = (msg) => process.stderr.write(msg + '\n');

// ------------------------------------------------------------------------------------ limit & peer building blocks

/**
 * An Int32Array stack holding the pfns of every block of `1 << order` pages in [base, base+pages),
 * lowest pfn on top (so the first pops return low pfns, like a fresh buddy allocator).
 */
function pfnStack(base, pages, order) {
  const n = pages >> order;
  const stack = new Int32Array(n);
  for (let i = 0; i < n; i++) stack[i] = base + ((n - 1 - i) << order);
  return stack;
}

/** LimitHandle `#bits`: the order (bits 0..3), and DEAD once the handle is consumed (as memdesc's). */
const LH_DEAD = 0x40;

/**
 * The handle of the limit+handle implementation: the least an unforgeable, stale-checked page
 * handle can be. Five ES private fields, as memdesc's `PageHandle`; the memory object is
 * `{ gen }`, a `Uint32Array` generation column indexed by pfn. Accessors are static methods, as
 * in memdesc, so the JIT inlines them.
 */
class LimitHandle {
  #mem;
  #pfn;
  #head;
  #gen;
  #bits;

  constructor(mem, pfn, head, gen, bits) {
    this.#mem = mem;
    this.#pfn = pfn;
    this.#head = head;
    this.#gen = gen;
    this.#bits = bits;
  }

  static pfn(h) {
    return h.#pfn;
  }

  /**
   * A free's check and bookkeeping: brand check (`#pfn in h`; a primitive makes it throw), stale
   * check against the generation column, then bump the generation and mark the handle dead.
   * Returns the head pfn to push, or -1 (not a handle) / -2 (stale).
   */
  static release(h) {
    if (!(#pfn in h)) return -1;
    const gen = h.#mem.gen;
    const head = h.#head;
    if (gen[head] !== h.#gen) return -2;
    gen[head] = h.#gen + 1; // a Uint32Array store wraps at 2^32
    h.#bits |= LH_DEAD;
    return head;
  }

  /**
   * A get's check and bookkeeping (folio-get-put; the memory object is `{ gen, rc }`, `rc` an
   * `Int32Array` refcount column indexed by pfn): brand check of the handle the reference is taken
   * through, dead and stale check, one more count, and a new handle for the new reference.
   * Returns `null` if refused.
   */
  static get(h) {
    if (!(#pfn in h) || h.#bits & LH_DEAD) return null;
    const mem = h.#mem;
    const head = h.#head;
    if (mem.gen[head] !== h.#gen) return null;
    mem.rc[head]++;
    return new LimitHandle(mem, head, head, h.#gen, h.#bits & 0xf);
  }

  /**
   * A put's: brand check, dead and stale check (a put does not bump the generation, so a put
   * handle is recognised by its dead bit), underflow check, then mark the handle dead and drop one
   * count. Returns the count left (0: the last put, which would free the block), or -1 (not a
   * handle) / -2 (dead or stale) / -3 (count underflow).
   */
  static put(h) {
    if (!(#pfn in h)) return -1;
    const mem = h.#mem;
    const head = h.#head;
    if (h.#bits & LH_DEAD || mem.gen[head] !== h.#gen) return -2;
    const count = mem.rc[head];
    if (count <= 0) return -3;
    h.#bits |= LH_DEAD;
    mem.rc[head] = count - 1;
    return count - 1;
  }
}

/** A limit+handle free was refused: the harness is wrong. */
function releaseFailed(code, scenario) {
  const why = code === -1 ? 'not a handle' : code === -2 ? 'stale handle' : 'refcount underflow';
  throw new Error(`bench: limit+handle free refused (${why}) in ${scenario}`);
}

/** The limit+handle's post-run check: the stack is full, and the generations count every free. */
function limitHandleSanity(mem, stack, top, frees) {
  let bumps = 0;
  for (let i = 0; i < mem.gen.length; i++) bumps += mem.gen[i];
  return { ok: top === stack.length && bumps === frees, depth: top, generationBumps: bumps, expectedFrees: frees };
}

/** The peer: one MemPool with default options (first fit, split with minSplit 16, compact on free). */
function newPool() {
  return new MemPool({ size: POOL_BYTES });
}

/** The peer's post-run check: everything it handed out is back. */
function peerSanity(pool) {
  const st = pool.stats();
  return { ok: st.used.count === 0, usedBlocks: st.used.count, freeBlocks: st.free.count, top: st.top };
}

/**
 * memdesc's post-run check, after the implementation has freed everything it held: drain the
 * per-CPU lists, run the full consistency check, and compare with the pristine machine.
 */
function memdescSanity(mem, initialBuddyinfo, expectedAllocations) {
  drainAllPages(mem);
  verifyMemory(mem); // throws if the allocator is inconsistent
  const st = memStats(mem);
  const restored = buddyinfo(mem) === initialBuddyinfo;
  const countsMatch = st.vmstat.allocations === expectedAllocations && st.vmstat.frees === expectedAllocations;
  return {
    ok: restored && countsMatch && st.liveAllocations === 0,
    buddyinfoRestored: restored,
    allocations: st.vmstat.allocations,
    expectedAllocations,
    pcpRefills: st.vmstat.pcpRefills,
    pcpDrains: st.vmstat.pcpDrains,
  };
}

/**
 * memdesc's post-run check for the layers above the page allocator (folio, slab, vmalloc), after
 * the implementation has freed everything it held (and destroyed its cache): the full consistency
 * check, no live allocation left in page_owner's view (`liveAllocations`), then drain the per-CPU
 * lists, check again, and compare with the pristine machine. `expectedAllocations` is the number
 * of page-allocator allocations the harness caused, or `null` when only the layer knows it (the
 * slab cache's slabs): then every allocation must have been freed.
 */
function layerSanity(mem, initialBuddyinfo, expectedAllocations) {
  verifyMemory(mem); // throws if the allocator is inconsistent
  const live = liveAllocations(mem).length;
  drainAllPages(mem);
  verifyMemory(mem);
  const st = memStats(mem);
  const restored = buddyinfo(mem) === initialBuddyinfo;
  const expected = expectedAllocations ?? st.vmstat.frees;
  const countsMatch = st.vmstat.allocations === expected && st.vmstat.frees === expected;
  return {
    ok: live === 0 && restored && countsMatch && st.liveAllocations === 0,
    liveAllocationsAfterFree: live,
    buddyinfoRestored: restored,
    allocations: st.vmstat.allocations,
    frees: st.vmstat.frees,
    expectedAllocations,
    pcpRefills: st.vmstat.pcpRefills,
    pcpDrains: st.vmstat.pcpDrains,
  };
}

// ------------------------------------------------------------------------------------ scenarios
//
// A scenario is { id, roundOps, what, notes, impls: { memdesc, limit, [limitHandle,] [peer] }, targets,
// [resultNotes] }. Each impls.X() builds its state and returns { run(rounds) → checksum,
// finish(totalOps) → sanity }. A scenario without a peer (folio-get-put) shows n/a in the peer
// columns and null ratios in the JSON. resultNotes(result), if present, adds notes that depend on
// the measurement (appended to `notes`).
// The inner loops are written out separately for each implementation, so that each is a
// monomorphic function of its own for the JIT.

/** The note of the scenarios that have a limit+handle implementation (the full story: LIMIT_HANDLE_WHAT). */
const LIMIT_HANDLE_NOTE =
  'limit+handle: the limit plus a handle object per allocation (5 private fields), brand- and generation-checked on free; ' +
  'information only (no target)';

/** What the limit+handle implementation is, printed once under the table and stored in the JSON's meta. */
const LIMIT_HANDLE_WHAT = [
  "the limit's Int32Array stack plus what any allocator with unforgeable, stale-checked object handles must pay:",
  'each allocation creates a handle of a class with 5 ES private fields (memory object, pfn, head pfn, generation,',
  "bits), as memdesc's PageHandle (src/page-alloc/handle.ts); each free brand-checks it (#pfn in h), compares its",
  'generation with a Uint32Array generation column indexed by pfn (reached through the handle), bumps that',
  'generation and marks the handle dead. memdesc/(limit+handle) is what memdesc costs above that floor',
  '(its buddy allocator, per-CPU lists, vmstat, argument checks and API layers). It is information only: the',
  'targets and verdicts are unchanged and still compare memdesc with the bare limit and the peer.',
  'In folio-get-put the same class stands for a counted reference: each get checks the handle it is taken',
  'through, bumps an Int32Array refcount column and creates a handle; each put brand-, dead- and stale-checks',
  'it, underflow-checks the count, drops it and marks the handle dead (no generation bump: nothing is freed).',
];

/** 1. order0-lifo-1024: allocate 1024 order-0 pages, free them newest first. */
const order0Lifo = {
  id: 'order0-lifo-1024',
  roundOps: ROUND,
  what: 'allocate 1024 order-0 pages (held in an array), then free them in LIFO order; ns per alloc+free pair',
  notes: [LIMIT_HANDLE_NOTE],
  impls: {
    memdesc() {
      const mem = newMachine();
      const initial = buddyinfo(mem);
      const held = heldArray(ROUND);
      return {
        run(rounds) {
          let sum = 0;
          for (let r = 0; r < rounds; r++) {
            for (let i = 0; i < ROUND; i++) {
              const page = allocPage(mem, GFP_KERNEL);
              if (page === null) allocFailed('memdesc', 'order0-lifo-1024');
              held[i] = page;
            }
            sum += pageToPfn(held[ROUND - 1]);
            for (let i = ROUND - 1; i >= 0; i--) freePage(held[i]);
          }
          return sum;
        },
        finish: (ops) => memdescSanity(mem, initial, ops),
      };
    },
    limit() {
      const stack = pfnStack(0, MACHINE_PAGES, 0);
      let top = stack.length;
      const held = heldArray(ROUND);
      return {
        run(rounds) {
          let sum = 0;
          for (let r = 0; r < rounds; r++) {
            for (let i = 0; i < ROUND; i++) {
              if (top === 0) allocFailed('limit', 'order0-lifo-1024');
              held[i] = stack[--top];
            }
            sum += held[ROUND - 1];
            for (let i = ROUND - 1; i >= 0; i--) stack[top++] = held[i];
          }
          return sum;
        },
        finish: () => ({ ok: top === stack.length, depth: top }),
      };
    },
    limitHandle() {
      const stack = pfnStack(0, MACHINE_PAGES, 0);
      let top = stack.length;
      const mem = { gen: new Uint32Array(MACHINE_PAGES) };
      const gen = mem.gen;
      const held = heldArray(ROUND);
      return {
        run(rounds) {
          let sum = 0;
          for (let r = 0; r < rounds; r++) {
            for (let i = 0; i < ROUND; i++) {
              if (top === 0) allocFailed('limit+handle', 'order0-lifo-1024');
              const pfn = stack[--top];
              held[i] = new LimitHandle(mem, pfn, pfn, gen[pfn], 0);
            }
            sum += LimitHandle.pfn(held[ROUND - 1]);
            for (let i = ROUND - 1; i >= 0; i--) {
              const head = LimitHandle.release(held[i]);
              if (head < 0) releaseFailed(head, 'order0-lifo-1024');
              stack[top++] = head;
            }
          }
          return sum;
        },
        finish: (ops) => limitHandleSanity(mem, stack, top, ops),
      };
    },
    peer() {
      const pool = newPool();
      const held = heldArray(ROUND);
      return {
        run(rounds) {
          let sum = 0;
          for (let r = 0; r < rounds; r++) {
            for (let i = 0; i < ROUND; i++) {
              const addr = pool.malloc(PAGE_SIZE);
              if (addr === 0) allocFailed('peer', 'order0-lifo-1024');
              held[i] = addr;
            }
            sum += held[ROUND - 1];
            for (let i = ROUND - 1; i >= 0; i--) pool.free(held[i]);
          }
          return sum;
        },
        finish: () => peerSanity(pool),
      };
    },
  },
  targets: (r) => [limitRatioTarget(r)],
};

/** 2. random-256-live: 256 live order-0 pages; each step frees a random one and allocates anew. */
const random256 = {
  id: 'random-256-live',
  roundOps: SEQ_LEN,
  what: `keep ${LIVE} live order-0 pages; each step frees a random live one and allocates a new one (seeded); ns per free+alloc pair`,
  notes: [LIMIT_HANDLE_NOTE],
  impls: {
    memdesc() {
      const mem = newMachine();
      const initial = buddyinfo(mem);
      const live = heldArray(LIVE);
      for (let i = 0; i < LIVE; i++) live[i] = allocPage(mem, GFP_KERNEL) ?? allocFailed('memdesc', 'random-256-live');
      return {
        run(rounds) {
          let sum = 0;
          for (let r = 0; r < rounds; r++) {
            for (let s = 0; s < SEQ_LEN; s++) {
              const slot = SEQ[s] & LIVE_MASK;
              freePage(live[slot]);
              const page = allocPage(mem, GFP_KERNEL);
              if (page === null) allocFailed('memdesc', 'random-256-live');
              live[slot] = page;
            }
            sum += pageToPfn(live[0]);
          }
          return sum;
        },
        finish(ops) {
          for (let i = 0; i < LIVE; i++) freePage(live[i]);
          return memdescSanity(mem, initial, LIVE + ops);
        },
      };
    },
    limit() {
      const stack = pfnStack(0, MACHINE_PAGES, 0);
      let top = stack.length;
      const live = heldArray(LIVE);
      for (let i = 0; i < LIVE; i++) live[i] = stack[--top];
      return {
        run(rounds) {
          let sum = 0;
          for (let r = 0; r < rounds; r++) {
            for (let s = 0; s < SEQ_LEN; s++) {
              const slot = SEQ[s] & LIVE_MASK;
              stack[top++] = live[slot];
              if (top === 0) allocFailed('limit', 'random-256-live');
              live[slot] = stack[--top];
            }
            sum += live[0];
          }
          return sum;
        },
        finish() {
          for (let i = 0; i < LIVE; i++) stack[top++] = live[i];
          return { ok: top === stack.length, depth: top };
        },
      };
    },
    limitHandle() {
      const stack = pfnStack(0, MACHINE_PAGES, 0);
      let top = stack.length;
      const mem = { gen: new Uint32Array(MACHINE_PAGES) };
      const gen = mem.gen;
      const live = heldArray(LIVE);
      for (let i = 0; i < LIVE; i++) {
        const pfn = stack[--top];
        live[i] = new LimitHandle(mem, pfn, pfn, gen[pfn], 0);
      }
      return {
        run(rounds) {
          let sum = 0;
          for (let r = 0; r < rounds; r++) {
            for (let s = 0; s < SEQ_LEN; s++) {
              const slot = SEQ[s] & LIVE_MASK;
              const head = LimitHandle.release(live[slot]);
              if (head < 0) releaseFailed(head, 'random-256-live');
              stack[top++] = head;
              if (top === 0) allocFailed('limit+handle', 'random-256-live');
              const pfn = stack[--top];
              live[slot] = new LimitHandle(mem, pfn, pfn, gen[pfn], 0);
            }
            sum += LimitHandle.pfn(live[0]);
          }
          return sum;
        },
        finish(ops) {
          for (let i = 0; i < LIVE; i++) {
            const head = LimitHandle.release(live[i]);
            if (head < 0) releaseFailed(head, 'random-256-live');
            stack[top++] = head;
          }
          return limitHandleSanity(mem, stack, top, LIVE + ops);
        },
      };
    },
    peer() {
      const pool = newPool();
      const live = heldArray(LIVE);
      for (let i = 0; i < LIVE; i++) live[i] = pool.malloc(PAGE_SIZE) || allocFailed('peer', 'random-256-live');
      return {
        run(rounds) {
          let sum = 0;
          for (let r = 0; r < rounds; r++) {
            for (let s = 0; s < SEQ_LEN; s++) {
              const slot = SEQ[s] & LIVE_MASK;
              pool.free(live[slot]);
              const addr = pool.malloc(PAGE_SIZE);
              if (addr === 0) allocFailed('peer', 'random-256-live');
              live[slot] = addr;
            }
            sum += live[0];
          }
          return sum;
        },
        finish() {
          for (let i = 0; i < LIVE; i++) pool.free(live[i]);
          return peerSanity(pool);
        },
      };
    },
  },
  targets: (r) => [limitRatioTarget(r), fasterThanPeerTarget(r)],
};

/** 3. random-orders-0-3: like random-256-live, but each new block has a random order 0..3. */
const randomOrders = {
  id: 'random-orders-0-3',
  roundOps: SEQ_LEN,
  what: `keep ${LIVE} live blocks; each step frees a random live one and allocates a block of random order 0..3; ns per free+alloc pair`,
  notes: [
    'limit: one Int32Array stack per order (a simple segregated free list over 4 fixed regions of 16384 pages), ' +
      'no splitting and no merging, so it is a floor that no buddy allocator can reach',
    'peer: malloc(4096 << order)',
  ],
  impls: {
    memdesc() {
      const mem = newMachine();
      const initial = buddyinfo(mem);
      const live = heldArray(LIVE);
      const liveOrder = new Uint8Array(LIVE);
      for (let i = 0; i < LIVE; i++) {
        liveOrder[i] = INIT_ORDERS[i];
        live[i] = allocPages(mem, GFP_KERNEL, INIT_ORDERS[i]) ?? allocFailed('memdesc', 'random-orders-0-3');
      }
      return {
        run(rounds) {
          let sum = 0;
          for (let r = 0; r < rounds; r++) {
            for (let s = 0; s < SEQ_LEN; s++) {
              const rnd = SEQ[s];
              const slot = rnd & LIVE_MASK;
              const order = (rnd >>> 8) & 3;
              freePages(live[slot], liveOrder[slot]);
              const page = allocPages(mem, GFP_KERNEL, order);
              if (page === null) allocFailed('memdesc', 'random-orders-0-3');
              live[slot] = page;
              liveOrder[slot] = order;
            }
            sum += pageToPfn(live[0]);
          }
          return sum;
        },
        finish(ops) {
          for (let i = 0; i < LIVE; i++) freePages(live[i], liveOrder[i]);
          return memdescSanity(mem, initial, LIVE + ops);
        },
      };
    },
    limit() {
      // Four regions of MACHINE_PAGES/4 pages; region o is cut into blocks of order o.
      const region = MACHINE_PAGES / 4;
      const stacks = [0, 1, 2, 3].map((o) => pfnStack(o * region, region, o));
      const tops = Int32Array.from(stacks, (s) => s.length);
      const live = heldArray(LIVE);
      const liveOrder = new Uint8Array(LIVE);
      for (let i = 0; i < LIVE; i++) {
        const o = INIT_ORDERS[i];
        liveOrder[i] = o;
        live[i] = stacks[o][--tops[o]];
      }
      return {
        run(rounds) {
          let sum = 0;
          for (let r = 0; r < rounds; r++) {
            for (let s = 0; s < SEQ_LEN; s++) {
              const rnd = SEQ[s];
              const slot = rnd & LIVE_MASK;
              const order = (rnd >>> 8) & 3;
              const old = liveOrder[slot];
              stacks[old][tops[old]++] = live[slot];
              if (tops[order] === 0) allocFailed('limit', 'random-orders-0-3');
              live[slot] = stacks[order][--tops[order]];
              liveOrder[slot] = order;
            }
            sum += live[0];
          }
          return sum;
        },
        finish() {
          for (let i = 0; i < LIVE; i++) stacks[liveOrder[i]][tops[liveOrder[i]]++] = live[i];
          return { ok: stacks.every((s, o) => tops[o] === s.length), depths: Array.from(tops) };
        },
      };
    },
    peer() {
      const pool = newPool();
      const live = heldArray(LIVE);
      for (let i = 0; i < LIVE; i++) live[i] = pool.malloc(PAGE_SIZE << INIT_ORDERS[i]) || allocFailed('peer', 'random-orders-0-3');
      return {
        run(rounds) {
          let sum = 0;
          for (let r = 0; r < rounds; r++) {
            for (let s = 0; s < SEQ_LEN; s++) {
              const rnd = SEQ[s];
              const slot = rnd & LIVE_MASK;
              pool.free(live[slot]);
              const addr = pool.malloc(PAGE_SIZE << ((rnd >>> 8) & 3));
              if (addr === 0) allocFailed('peer', 'random-orders-0-3');
              live[slot] = addr;
            }
            sum += live[0];
          }
          return sum;
        },
        finish() {
          for (let i = 0; i < LIVE; i++) pool.free(live[i]);
          return peerSanity(pool);
        },
      };
    },
  },
  targets: () => [],
};

/**
 * The worst-case scenarios (4a-4c) share their loops: allocate one block of `order`, free it,
 * optionally `drainAllPages`, on a machine where everything else is free.
 */
function splitMergeMemdesc(id, machineOptions, order, drain) {
  return () => {
    const mem = newMachine(machineOptions);
    const initial = buddyinfo(mem);
    return {
      run(rounds) {
        let sum = 0;
        for (let r = 0; r < rounds; r++) {
          for (let i = 0; i < ROUND; i++) {
            const page = allocPages(mem, GFP_KERNEL, order);
            if (page === null) allocFailed('memdesc', id);
            if (i === 0) sum += pageToPfn(page);
            freePages(page, order);
            if (drain) drainAllPages(mem);
          }
        }
        return sum;
      },
      finish(ops) {
        // Before the final drain: with `drain`, or with a per-CPU list that holds nothing, every
        // free must already have merged all the way back to the pristine free lists.
        const mergedBack = buddyinfo(mem) === initial;
        return { ...memdescSanity(mem, initial, ops), mergedBackBeforeFinalDrain: mergedBack };
      },
    };
  };
}

function splitMergeLimit(id, order) {
  return () => {
    const stack = pfnStack(0, MACHINE_PAGES, order);
    let top = stack.length;
    return {
      run(rounds) {
        let sum = 0;
        for (let r = 0; r < rounds; r++) {
          for (let i = 0; i < ROUND; i++) {
            if (top === 0) allocFailed('limit', id);
            const pfn = stack[--top];
            if (i === 0) sum += pfn;
            stack[top++] = pfn;
          }
        }
        return sum;
      },
      finish: () => ({ ok: top === stack.length, depth: top }),
    };
  };
}

function splitMergePeer(id, order) {
  return () => {
    const pool = newPool();
    const bytes = PAGE_SIZE << order;
    return {
      run(rounds) {
        let sum = 0;
        for (let r = 0; r < rounds; r++) {
          for (let i = 0; i < ROUND; i++) {
            const addr = pool.malloc(bytes);
            if (addr === 0) allocFailed('peer', id);
            if (i === 0) sum += addr;
            pool.free(addr);
          }
        }
        return sum;
      },
      finish: () => peerSanity(pool),
    };
  };
}

/** 4a. The brief's worst case: order-0 alloc + free + drainAllPages on the default machine. */
const worstCase = {
  id: 'worst-case-split-merge',
  roundOps: ROUND,
  what:
    'all memory free; allocPages(order 0) + freePages + drainAllPages, so the free merges back to order 10; ' +
    'ns per alloc+free+drain',
  notes: [], // filled in with the pcp batch size when it runs
  impls: {
    memdesc: splitMergeMemdesc('worst-case-split-merge', {}, 0, true),
    limit: splitMergeLimit('worst-case-split-merge', 0),
    peer: splitMergePeer('worst-case-split-merge', 0),
  },
  targets: () => [],
};

/** 4b. One split through all orders and one merge back, nothing else: a per-CPU list of one page. */
const worstCasePcp1 = {
  id: 'worst-case-split-merge-pcp1',
  roundOps: ROUND,
  what:
    'as worst-case-split-merge on a machine with pcpBatch = pcpHigh = 1: each alloc splits one order-10 block ' +
    'down to order 0 and each free merges it straight back (no drainAllPages needed); ns per alloc+free pair',
  notes: [],
  impls: {
    memdesc: splitMergeMemdesc('worst-case-split-merge-pcp1', { pcpBatch: 1, pcpHigh: 1 }, 0, false),
    limit: splitMergeLimit('worst-case-split-merge-pcp1', 0),
    peer: splitMergePeer('worst-case-split-merge-pcp1', 0),
  },
  targets: () => [],
};

/** 4c. The opposite: an order-10 block, which needs neither a split nor a merge. */
const order10Direct = {
  id: 'order10-direct',
  roundOps: ROUND,
  what: 'all memory free; allocPages(order 10) + freePages(order 10): no split, no merge; ns per alloc+free pair',
  notes: ['limit: a stack of the 64 order-10 block pfns; peer: malloc(4 MiB)'],
  impls: {
    memdesc: splitMergeMemdesc('order10-direct', {}, 10, false),
    limit: splitMergeLimit('order10-direct', 10),
    peer: splitMergePeer('order10-direct', 10),
  },
  targets: () => [],
};

// ------------------------------------------------------------------------------------ scenarios above the page allocator
//
// Information only (no target). These measure memdesc's folio, slab and vmalloc layers; the limit
// is the bare bookkeeping of the same job, the peer (where there is one) MemPool doing the nearest
// thing it can.

/** 5. folio-get-put: one order-0 folio; each op is `const r = folioGet(folio); folioPut(r);`. */
const folioGetPut = {
  id: 'folio-get-put',
  roundOps: ROUND,
  what:
    'one order-0 folio (folioAlloc); each op is const r = folioGet(folio); folioPut(r): a new ARef handle per get, ' +
    'consumed by the put (the count goes 1 → 2 → 1, never to zero); ns per get+put pair',
  notes: [
    'limit: increment and decrement of the refcount slot of an Int32Array column indexed by pfn, with the check ' +
      'for zero (the last put would free the block); the reference is the pfn itself',
    'limit+handle: the limit plus, per get, a handle of the same 5-private-field class (brand-, dead- and ' +
      'stale-checking the handle it is taken through), which the put brand-, dead- and stale-checks, ' +
      'underflow-checks and marks dead (a put bumps no generation); information only',
    'peer: n/a (MemPool has no reference counts)',
  ],
  impls: {
    memdesc() {
      const mem = newMachine();
      const initial = buddyinfo(mem);
      const folio = folioAlloc(mem, GFP_KERNEL, 0) ?? allocFailed('memdesc', 'folio-get-put');
      return {
        run(rounds) {
          let sum = 0;
          for (let r = 0; r < rounds; r++) {
            for (let i = 0; i < ROUND; i++) {
              const ref = folioGet(folio);
              if (i === 0) sum += folioPfn(ref) + folioRefCount(ref);
              folioPut(ref);
            }
          }
          return sum;
        },
        finish() {
          const countBeforeLastPut = folioRefCount(folio);
          folioPut(folio);
          const s = layerSanity(mem, initial, 1);
          return { ...s, ok: s.ok && countBeforeLastPut === 1, countBeforeLastPut };
        },
      };
    },
    limit() {
      const rc = new Int32Array(MACHINE_PAGES);
      const pfn = 0;
      rc[pfn] = 1; // the folio's own reference
      let lastPuts = 0;
      return {
        run(rounds) {
          let sum = 0;
          for (let r = 0; r < rounds; r++) {
            for (let i = 0; i < ROUND; i++) {
              rc[pfn]++;
              const ref = pfn;
              if (i === 0) sum += ref + rc[ref];
              if (--rc[ref] === 0) lastPuts++;
            }
          }
          return sum;
        },
        finish: () => ({ ok: rc[pfn] === 1 && lastPuts === 0, count: rc[pfn], lastPuts }),
      };
    },
    limitHandle() {
      const mem = { gen: new Uint32Array(MACHINE_PAGES), rc: new Int32Array(MACHINE_PAGES) };
      const rc = mem.rc;
      const pfn = 0;
      rc[pfn] = 1;
      const folio = new LimitHandle(mem, pfn, pfn, mem.gen[pfn], 0);
      let lastPuts = 0;
      return {
        run(rounds) {
          let sum = 0;
          for (let r = 0; r < rounds; r++) {
            for (let i = 0; i < ROUND; i++) {
              const ref = LimitHandle.get(folio);
              if (ref === null) releaseFailed(-2, 'folio-get-put');
              if (i === 0) sum += LimitHandle.pfn(ref) + rc[pfn];
              const left = LimitHandle.put(ref);
              if (left < 0) releaseFailed(left, 'folio-get-put');
              if (left === 0) lastPuts++;
            }
          }
          return sum;
        },
        finish() {
          let bumps = 0;
          for (let i = 0; i < mem.gen.length; i++) bumps += mem.gen[i];
          return { ok: rc[pfn] === 1 && lastPuts === 0 && bumps === 0, count: rc[pfn], lastPuts, generationBumps: bumps };
        },
      };
    },
  },
  targets: () => [],
};

/** 6. kmem-cache-alloc-free: 256 live objects of a 256-byte cache; each step frees a random one and allocates anew. */
const kmemCacheAllocFree = {
  id: 'kmem-cache-alloc-free',
  roundOps: SEQ_LEN,
  what:
    `kmemCacheCreate(mem, 'bench_obj', ${OBJ_SIZE}); keep ${LIVE} live objects; each step kmemCacheFree()s a random live one ` +
    'and kmemCacheAlloc()s a new one (the seeded sequence of random-256-live); ns per free+alloc pair',
  notes: [
    `limit: an Int32Array stack of object slot numbers (${OBJ_SLOTS} slots of ${OBJ_SIZE} bytes: the machine's 256 MiB); ` +
      "objects are integers, as memdesc's are addresses",
    `peer: malloc(${OBJ_SIZE})/free`,
  ],
  resultNotes(r) {
    const s = r.impls.memdesc.sanity;
    const perSlab = (PAGE_SIZE << calculateOrder(OBJ_SIZE)) / OBJ_SIZE;
    return [
      `memdesc: ${perSlab} objects per order-${calculateOrder(OBJ_SIZE)} slab; ${s.allocations} slab allocation(s) from the ` +
        `page allocator over the whole run (${Math.ceil(LIVE / perSlab)} hold ${LIVE} objects; a cache keeps no empty slab)`,
    ];
  },
  impls: {
    memdesc() {
      const mem = newMachine();
      const initial = buddyinfo(mem);
      const cache = kmemCacheCreate(mem, 'bench_obj', OBJ_SIZE);
      const live = heldArray(LIVE);
      for (let i = 0; i < LIVE; i++) live[i] = kmemCacheAlloc(mem, cache, GFP_KERNEL) ?? allocFailed('memdesc', 'kmem-cache-alloc-free');
      return {
        run(rounds) {
          let sum = 0;
          for (let r = 0; r < rounds; r++) {
            for (let s = 0; s < SEQ_LEN; s++) {
              const slot = SEQ[s] & LIVE_MASK;
              kmemCacheFree(cache, live[slot]);
              const obj = kmemCacheAlloc(mem, cache, GFP_KERNEL);
              if (obj === null) allocFailed('memdesc', 'kmem-cache-alloc-free');
              live[slot] = obj;
            }
            sum += live[0] >>> 0; // the address's low 32 bits
          }
          return sum;
        },
        finish() {
          for (let i = 0; i < LIVE; i++) kmemCacheFree(cache, live[i]);
          // A cache keeps no empty slab: with every object freed, nothing is allocated any more.
          const liveBeforeDestroy = liveAllocations(mem).length;
          kmemCacheDestroy(cache);
          const s = layerSanity(mem, initial, null);
          return { ...s, ok: s.ok && liveBeforeDestroy === 0, liveAllocationsBeforeDestroy: liveBeforeDestroy };
        },
      };
    },
    limit() {
      const stack = pfnStack(0, OBJ_SLOTS, 0);
      let top = stack.length;
      const live = heldArray(LIVE);
      for (let i = 0; i < LIVE; i++) live[i] = stack[--top];
      return {
        run(rounds) {
          let sum = 0;
          for (let r = 0; r < rounds; r++) {
            for (let s = 0; s < SEQ_LEN; s++) {
              const slot = SEQ[s] & LIVE_MASK;
              stack[top++] = live[slot];
              if (top === 0) allocFailed('limit', 'kmem-cache-alloc-free');
              live[slot] = stack[--top];
            }
            sum += live[0];
          }
          return sum;
        },
        finish() {
          for (let i = 0; i < LIVE; i++) stack[top++] = live[i];
          return { ok: top === stack.length, depth: top };
        },
      };
    },
    peer() {
      const pool = newPool();
      const live = heldArray(LIVE);
      for (let i = 0; i < LIVE; i++) live[i] = pool.malloc(OBJ_SIZE) || allocFailed('peer', 'kmem-cache-alloc-free');
      return {
        run(rounds) {
          let sum = 0;
          for (let r = 0; r < rounds; r++) {
            for (let s = 0; s < SEQ_LEN; s++) {
              const slot = SEQ[s] & LIVE_MASK;
              pool.free(live[slot]);
              const addr = pool.malloc(OBJ_SIZE);
              if (addr === 0) allocFailed('peer', 'kmem-cache-alloc-free');
              live[slot] = addr;
            }
            sum += live[0];
          }
          return sum;
        },
        finish() {
          for (let i = 0; i < LIVE; i++) pool.free(live[i]);
          return peerSanity(pool);
        },
      };
    },
  },
  targets: () => [],
};

/** 7. vmalloc-16-pages: `const a = vmalloc(mem, 16 * 4096); vfree(a);` on the default machine. */
const vmalloc16 = {
  id: 'vmalloc-16-pages',
  roundOps: VMALLOC_ROUND,
  what:
    `all memory free; const a = vmalloc(mem, ${VMALLOC_PAGES} * 4096); vfree(a): ${VMALLOC_PAGES} order-0 pages gathered ` +
    'into one area and given back; ns per vmalloc+vfree pair',
  notes: [
    `a round is ${VMALLOC_ROUND} pairs (not ${ROUND}): memdesc's vfree() compacts its list of freed areas once every ` +
      `${VMALLOC_ROUND} vfrees, so each round holds exactly one compaction and the figure is the amortized cost`,
    "memdesc: that compaction (one Array.prototype.splice per old freed area) dominates memdesc's figure, and its " +
      "cost depends on the process's heap history: this row moves more between runs, and with the scenarios run " +
      'before it, than the others (it runs last so that its garbage cannot disturb them)',
    `limit: pop ${VMALLOC_PAGES} pfns from an Int32Array stack into an Int32Array(${VMALLOC_PAGES}), push them back; ` +
      `peer: malloc(${VMALLOC_PAGES * PAGE_SIZE})/free on an otherwise empty pool`,
  ],
  impls: {
    memdesc() {
      const mem = newMachine();
      const initial = buddyinfo(mem);
      const bytes = VMALLOC_PAGES * PAGE_SIZE;
      return {
        run(rounds) {
          let sum = 0;
          for (let r = 0; r < rounds; r++) {
            for (let i = 0; i < VMALLOC_ROUND; i++) {
              const a = vmalloc(mem, bytes);
              if (a === null) allocFailed('memdesc', 'vmalloc-16-pages');
              if (i === 0) sum += pageToPfn(vmallocToPage(a));
              vfree(a);
            }
          }
          return sum;
        },
        finish: (ops) => layerSanity(mem, initial, VMALLOC_PAGES * ops),
      };
    },
    limit() {
      const stack = pfnStack(0, MACHINE_PAGES, 0);
      let top = stack.length;
      const pages = new Int32Array(VMALLOC_PAGES);
      return {
        run(rounds) {
          let sum = 0;
          for (let r = 0; r < rounds; r++) {
            for (let i = 0; i < VMALLOC_ROUND; i++) {
              if (top < VMALLOC_PAGES) allocFailed('limit', 'vmalloc-16-pages');
              for (let j = 0; j < VMALLOC_PAGES; j++) pages[j] = stack[--top];
              if (i === 0) sum += pages[0];
              for (let j = 0; j < VMALLOC_PAGES; j++) stack[top++] = pages[j];
            }
          }
          return sum;
        },
        finish: () => ({ ok: top === stack.length, depth: top }),
      };
    },
    peer() {
      const pool = newPool();
      const bytes = VMALLOC_PAGES * PAGE_SIZE;
      return {
        run(rounds) {
          let sum = 0;
          for (let r = 0; r < rounds; r++) {
            for (let i = 0; i < VMALLOC_ROUND; i++) {
              const addr = pool.malloc(bytes);
              if (addr === 0) allocFailed('peer', 'vmalloc-16-pages');
              if (i === 0) sum += addr;
              pool.free(addr);
            }
          }
          return sum;
        },
        finish: () => peerSanity(pool),
      };
    },
  },
  targets: () => [],
};

const SCENARIOS = [
  order0Lifo,
  random256,
  randomOrders,
  worstCase,
  worstCasePcp1,
  order10Direct,
  // The layers above the page allocator: information only. vmalloc-16-pages last (see its notes).
  folioGetPut,
  kmemCacheAllocFree,
  vmalloc16,
];

// ------------------------------------------------------------------------------------ targets & verdicts

/** "order-0 within 2x of the limit (3x at most)". */
function limitRatioTarget(r) {
  const x = r.ratios.memdescToLimit;
  return {
    target: 'memdesc ≤ 2x limit (≤ 3x acceptable)',
    value: x,
    verdict: x <= 2 ? 'PASS' : x <= 3 ? 'ACCEPTABLE' : 'MISS',
  };
}

/** "faster than @thi.ng/malloc at 256 live" (medians compared). */
function fasterThanPeerTarget(r) {
  const x = r.ratios.memdescToPeer;
  return { target: 'faster than @thi.ng/malloc', value: x, verdict: x < 1 ? 'PASS' : 'MISS' };
}

// ------------------------------------------------------------------------------------ measurement

/** Display names of the implementations (keys of `scn.impls`, in the order they are run and shown). */
const IMPL_LABELS = { memdesc: 'memdesc', limit: 'limit', limitHandle: 'limit+handle', peer: 'peer' };

/** Runs `impl.run(rounds)` once; returns its wall time in ns and its checksum. */
function timeRun(impl, rounds) {
  const t0 = now();
  const checksum = impl.run(rounds);
  const ns = Number(now() - t0);
  return { ns, checksum };
}

/** Measures one scenario: build, calibrate and warm up each implementation, then interleaved timed runs. */
function measureScenario(scn) {
  log(`bench: ${scn.id}`);
  const names = Object.keys(scn.impls);
  const state = {};
  for (const name of names) {
    const impl = scn.impls[name]();
    const s = { impl, rounds: 1, totalOps: 0, checksum: CHECKSUM_INIT, runsNs: [] };
    const exec = (rounds) => {
      const t = timeRun(impl, rounds);
      s.totalOps += rounds * scn.roundOps;
      s.checksum = foldChecksum(s.checksum, t.checksum);
      return t.ns;
    };
    // Calibrate (this is also the first warm-up): grow the run until it is long enough to scale.
    let rounds = 1;
    for (;;) {
      const ns = exec(rounds);
      if (ns >= CFG.calibrateMs * 1e6 || rounds >= 1 << 24) {
        s.rounds = Math.max(1, Math.round((rounds * CFG.targetRunMs * 1e6) / ns));
        break;
      }
      rounds *= ns < (CFG.calibrateMs * 1e6) / 8 ? 8 : 2;
    }
    // Warm up at the final run size.
    const until = now() + BigInt(CFG.warmupMs * 1e6);
    do exec(s.rounds);
    while (now() < until);
    s.exec = exec;
    state[name] = s;
  }
  // Timed runs, interleaved; the order of the implementations rotates each run.
  for (let run = 0; run < CFG.runs; run++) {
    for (let k = 0; k < names.length; k++) {
      const s = state[names[(run + k) % names.length]];
      s.runsNs.push(s.exec(s.rounds));
    }
  }
  const impls = {};
  for (const name of names) {
    const s = state[name];
    const opsPerRun = s.rounds * scn.roundOps;
    const nsPerOp = s.runsNs.map((ns) => ns / opsPerRun);
    impls[name] = {
      roundsPerRun: s.rounds,
      opsPerRun,
      runsNs: s.runsNs,
      nsPerOpRuns: nsPerOp,
      medianNsPerOp: median(nsPerOp),
      minNsPerOp: Math.min(...nsPerOp),
      maxNsPerOp: Math.max(...nsPerOp),
      checksum: '0x' + s.checksum.toString(16).padStart(8, '0'),
      totalOps: s.totalOps,
      sanity: s.impl.finish(s.totalOps),
    };
  }
  // How much of memdesc's order-0 traffic went past the per-CPU list to the buddy lists.
  const ms = impls.memdesc.sanity;
  const buddyTraffic = {
    pcpRefillsPer1kOps: (1000 * ms.pcpRefills) / impls.memdesc.totalOps,
    pcpDrainsPer1kOps: (1000 * ms.pcpDrains) / impls.memdesc.totalOps,
  };
  const result = {
    id: scn.id,
    memdescBuddyTraffic: buddyTraffic,
    unit: 'ns/op',
    what: scn.what,
    notes: scn.notes,
    impls,
    ratios: {
      memdescToLimit: impls.memdesc.medianNsPerOp / impls.limit.medianNsPerOp,
      // null for a scenario without a peer (folio-get-put).
      memdescToPeer: impls.peer ? impls.memdesc.medianNsPerOp / impls.peer.medianNsPerOp : null,
      // Information only (no target): memdesc above the floor of any design with object handles.
      memdescToLimitHandle: impls.limitHandle ? impls.memdesc.medianNsPerOp / impls.limitHandle.medianNsPerOp : null,
    },
  };
  result.targets = scn.targets(result);
  if (scn.resultNotes) result.notes = [...scn.notes, ...scn.resultNotes(result)];
  for (const name of names) {
    if (!impls[name].sanity.ok) log(`bench: WARNING: ${scn.id}/${IMPL_LABELS[name]} post-run check failed: ${JSON.stringify(impls[name].sanity)}`);
  }
  return result;
}

/** createMemory-64GiB: fresh child processes, CFG.createRuns of each of memdesc and the limit. */
function measureCreate() {
  log(`bench: createMemory-64GiB (${CFG.createRuns} child process(es) each)`);
  const child = join(HERE, 'child-create.js');
  const runChild = (mode) => {
    const r = spawnSync(process.execPath, [child, String(BIG_PAGES), mode], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`bench: child-create ${mode} failed (status ${r.status}):\n${r.stderr}`);
    return JSON.parse(r.stdout.trim().split('\n').pop());
  };
  const runs = { memdesc: [], limit: [] };
  for (let i = 0; i < CFG.createRuns; i++) for (const mode of ['memdesc', 'limit']) runs[mode].push(runChild(mode));
  const summary = (rs) => ({
    medianCreateMs: median(rs.map((r) => r.createMs)),
    medianWorkloadMs: median(rs.map((r) => r.workloadMs)),
    medianRssBaselineMiB: median(rs.map((r) => r.rssBaselineMiB)),
    medianRssAfterCreateMiB: median(rs.map((r) => r.rssAfterCreateMiB)),
    maxRssMiB: Math.max(...rs.map((r) => Math.max(r.rssAfterCreateMiB, r.rssAfterWorkloadMiB))),
    metadataBytesPerPage: rs[0].metadataBytesPerPage,
    runs: rs,
  });
  const res = {
    id: 'createMemory-64GiB',
    pages: BIG_PAGES,
    what:
      `createMemory({ pages: ${BIG_PAGES}, debug: 'fast' }) in a fresh process; RSS after it and after ` +
      '1000 allocations (orders 0..3) freed again',
    notes: [
      'limit: filling an Int32Array stack of every pfn (64 MiB), then 1000 pops and pushes',
      "peer: n/a (MemPool addresses are 32-bit: a pool cannot exceed 4 GiB)",
      'RSS is the whole process, Node baseline included',
    ],
    memdesc: summary(runs.memdesc),
    limit: summary(runs.limit),
  };
  const m = res.memdesc;
  res.targets = [
    { target: 'createMemory < 1000 ms', value: m.medianCreateMs, verdict: m.medianCreateMs < 1000 ? 'PASS' : 'MISS' },
    { target: 'RSS < 300 MiB', value: m.maxRssMiB, verdict: m.maxRssMiB < 300 ? 'PASS' : 'MISS' },
    { target: 'metadata ≤ 16 B/page', value: m.metadataBytesPerPage, verdict: m.metadataBytesPerPage <= 16 ? 'PASS' : 'MISS' },
  ];
  return res;
}

// ------------------------------------------------------------------------------------ output

const fmtNs = (x) => (x >= 1000 ? x.toFixed(0) : x >= 100 ? x.toFixed(1) : x.toFixed(2));
const fmtX = (x) => `${x.toFixed(2)}x`;

function printTable(results, create) {
  const header = [
    'scenario',
    'memdesc ns/op',
    'limit ns/op',
    'limit+handle ns/op',
    'peer ns/op',
    'memdesc/limit',
    'memdesc/(limit+handle)',
    'memdesc/peer',
    'target',
    'verdict',
  ];
  const rows = [];
  for (const r of results) {
    const lh = r.impls.limitHandle;
    const peer = r.impls.peer;
    const base = [
      r.id,
      fmtNs(r.impls.memdesc.medianNsPerOp),
      fmtNs(r.impls.limit.medianNsPerOp),
      lh ? fmtNs(lh.medianNsPerOp) : '-',
      peer ? fmtNs(peer.medianNsPerOp) : 'n/a',
      fmtX(r.ratios.memdescToLimit),
      lh ? fmtX(r.ratios.memdescToLimitHandle) : '-',
      peer ? fmtX(r.ratios.memdescToPeer) : 'n/a',
    ];
    if (r.targets.length === 0) rows.push([...base, '(information)', '-']);
    r.targets.forEach((t, i) => rows.push([...(i === 0 ? base : base.map(() => '')), t.target, t.verdict]));
  }
  const m = create.memdesc;
  const l = create.limit;
  const [tTime, tRss, tMeta] = create.targets;
  rows.push([`${create.id} time`, `${m.medianCreateMs.toFixed(0)} ms`, `${l.medianCreateMs.toFixed(0)} ms`, '-', 'n/a', fmtX(m.medianCreateMs / l.medianCreateMs), '-', 'n/a', tTime.target, tTime.verdict]);
  rows.push([`${create.id} RSS`, `${m.maxRssMiB.toFixed(0)} MiB`, `${l.maxRssMiB.toFixed(0)} MiB`, '-', 'n/a', fmtX(m.maxRssMiB / l.maxRssMiB), '-', 'n/a', tRss.target, tRss.verdict]);
  rows.push([`metadataBytesPerPage`, `${m.metadataBytesPerPage}`, `${l.metadataBytesPerPage}`, '-', 'n/a', '', '', '', tMeta.target, tMeta.verdict]);

  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  // Text columns left-aligned, figures right-aligned.
  const left = new Set([0, 8, 9]);
  const line = (cells) => cells.map((c, i) => (left.has(i) ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
}

function printNotes(results, create, meta) {
  console.log('\nWhat each row measures (median of runs; ns per op pair: alloc+free, get+put, vmalloc+vfree as each row says):');
  for (const r of [...results, create]) {
    console.log(`  ${r.id}: ${r.what}`);
    for (const n of r.notes) console.log(`      - ${n}`);
  }
  console.log('\nThe limit+handle columns (order0-lifo-1024, random-256-live and folio-get-put only; "-" elsewhere):');
  for (const l of LIMIT_HANDLE_WHAT) console.log(`  ${l}`);
  console.log(
    `\n  createMemory-64GiB: memdesc RSS baseline ${create.memdesc.medianRssBaselineMiB.toFixed(0)} MiB, ` +
      `after create ${create.memdesc.medianRssAfterCreateMiB.toFixed(0)} MiB, max ${create.memdesc.maxRssMiB.toFixed(0)} MiB; ` +
      `workload of 1000 allocations ${create.memdesc.medianWorkloadMs.toFixed(1)} ms (cold JIT)`,
  );
  console.log('\nSpread (min..max ns/op over the timed runs) and checksums:');
  for (const r of results) {
    const parts = Object.keys(r.impls).map((n) => {
      const i = r.impls[n];
      return `${IMPL_LABELS[n]} ${fmtNs(i.minNsPerOp)}..${fmtNs(i.maxNsPerOp)} [${i.checksum}]`;
    });
    console.log(`  ${r.id.padEnd(28)} ${parts.join('   ')}`);
  }
  console.log(
    '\nmemdesc per-CPU list traffic, per 1000 ops over all runs (vmstat pcpRefills / pcpDrains; ' +
      'pcpDrains counts pcp->high overflows only, not drainAllPages):',
  );
  for (const r of results) {
    const t = r.memdescBuddyTraffic;
    console.log(`  ${r.id.padEnd(28)} ${t.pcpRefillsPer1kOps.toFixed(1)} refills, ${t.pcpDrainsPer1kOps.toFixed(1)} drains`);
  }
  const bad = results.flatMap((r) =>
    Object.keys(r.impls)
      .filter((n) => !r.impls[n].sanity.ok)
      .map((n) => `${r.id}/${IMPL_LABELS[n]}`),
  );
  console.log(
    `\nPost-run checks: ${
      bad.length === 0
        ? 'all passed (memdesc: verifyMemory, buddyinfo restored, vmstat counts match; folio/slab/vmalloc rows also: ' +
          'liveAllocations empty once everything is freed, before the drain (and for the slab cache before ' +
          'kmemCacheDestroy), folio refcount back to 1 before its last put; ' +
          'limit+handle: stack full, generation bumps = frees; in folio-get-put: refcount back to 1, no bump)'
        : 'FAILED: ' + bad.join(', ')
    }`,
  );
  console.log(
    `\n${meta.quick ? 'QUICK run (smoke test; figures are rough). ' : ''}` +
      `${meta.runs} timed runs of ~${meta.targetRunMs} ms per implementation; machine ${MACHINE_PAGES} pages; ` +
      `node ${meta.node}; ${meta.cpu}; total ${meta.totalSeconds.toFixed(1)} s`,
  );
}

// ------------------------------------------------------------------------------------ main

const started = now();
const results = [];
for (const scn of SCENARIOS) {
  if (scn === worstCase) {
    const z = memStats(newMachine()).zones[0];
    scn.notes = [
      `memdesc: the order-0 allocation refills the per-CPU list with pcpBatch = ${z.pcpBatch} pages from the buddy lists, ` +
        `and drainAllPages gives them all back, so each pair moves ${z.pcpBatch} pages through split and merge ` +
        '(see worst-case-split-merge-pcp1 for exactly one)',
      'limit: pop/push on the same Int32Array stack (no split, no merge); peer: malloc(4096)/free on an otherwise empty pool',
    ];
  }
  if (scn === worstCasePcp1) {
    scn.notes = ['limit: pop/push on an Int32Array stack; peer: malloc(4096)/free on an otherwise empty pool'];
  }
  results.push(measureScenario(scn));
}
const create = measureCreate();
const totalSeconds = Number(now() - started) / 1e9;

const pkg = JSON.parse(readFileSync(join(HERE, '..', 'package.json'), 'utf8'));
const peerPkg = JSON.parse(readFileSync(join(HERE, '..', 'node_modules', '@thi.ng', 'malloc', 'package.json'), 'utf8'));
const meta = {
  tool: 'memdesc bench/run.js',
  date: new Date().toISOString(),
  memdesc: pkg.version,
  peer: `@thi.ng/malloc ${peerPkg.version}`,
  node: process.version,
  v8: process.versions.v8,
  platform: `${process.platform} ${process.arch}`,
  cpu: `${os.cpus()[0]?.model ?? 'unknown CPU'} x${os.cpus().length}`,
  quick: QUICK,
  runs: CFG.runs,
  targetRunMs: CFG.targetRunMs,
  warmupMs: CFG.warmupMs,
  createRuns: CFG.createRuns,
  machinePages: MACHINE_PAGES,
  peerPoolBytes: POOL_BYTES,
  peerPoolOptions: 'defaults: align 8, split (minSplit 16), compact',
  randomSequence: { generator: 'mulberry32', seed: SEED, length: SEQ_LEN, liveBlocks: LIVE },
  limitHandle: LIMIT_HANDLE_WHAT.join(' '),
  totalSeconds,
};
const report = { meta, scenarios: results, createMemory: create };

const outDir = join(HERE, 'results');
mkdirSync(outDir, { recursive: true });
const outFile = join(outDir, 'bench.json');
writeFileSync(outFile, JSON.stringify(report, null, 2) + '\n');

if (JSON_ONLY) {
  console.log(JSON.stringify(report, null, 2));
} else {
  printTable(results, create);
  printNotes(results, create, meta);
  console.log(`\nJSON: ${outFile}`);
}
