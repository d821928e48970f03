/**
 * memdesc allocator benchmark: every memdesc path beside its own floor, the bare limit and the peer.
 *
 *     npx tsc -p tsconfig.build.json   # builds dist/, which this file imports
 *     node bench/run.js                # full run (about 2 minutes)
 *     node bench/run.js --quick        # smoke test: fewer, shorter runs (about 15 s)
 *     node bench/run.js --json-only    # print the JSON report instead of the table
 *     node bench/run.js --only a,b     # only the scenarios whose id starts with a or b
 *     node bench/run.js --dist DIR     # measure another build (DIR/index.js), e.g. an older one
 *     node bench/run.js --wall         # figures from wall-clock time instead of process CPU time
 *     node bench/repeat.js 5           # five processes of this file; medians and spread per cell
 *
 * Each scenario is one access pattern, run in one process by these implementations, interleaved:
 *
 * - LIMIT: the fastest thing that could do the job in JavaScript, and no more: a bare `Int32Array`
 *   stack of free pfns (allocate = pop, free = push), holding what it pops in the same kind of plain
 *   array memdesc's version holds its handles in. No handle, no check, no split, no merge: the
 *   absolute limit, not a competitor.
 * - FLOOR: the limit plus what any design with unforgeable, stale-checked handles must pay whatever
 *   its allocator — one object with ES private fields per allocation (memory, pfn, head, generation,
 *   bits, as memdesc's `PageHandle`), brand-checked (`#pfn in h`) and generation-checked against a
 *   `Uint32Array` column on free, which bumps the generation and marks the handle dead. Each layer
 *   above the page allocator has its own floor (described in its notes): the least that layer's job
 *   takes with the same kind of checks (a refcount column for folios, an in-use byte per object for
 *   slab objects, which are addresses, an area record and an address lookup for vmalloc).
 * - DEFAULT: memdesc as every user gets it, `createMemory()` (256 MiB, `debug: 'standard'`:
 *   page_owner records order, GFP flags and timestamps; no stacks), through the public API.
 * - FAST: `createMemory({ debug: 'fast', printk: null })`: the rules only, no page_owner.
 * - STACKS (the page-owner-stacks row only, run last: its stacks fill the heap): `createMemory({
 *   pageOwnerStacks: true })`, the cost of page_owner's stacks.
 * - PEER: `MemPool` from `@thi.ng/malloc`, a general-purpose first-fit allocator over an
 *   ArrayBuffer (`malloc(bytes)` / `free(addr)`). It returns raw offsets: no handle, no stale or
 *   double-free check, no per-page metadata. Where it does no comparable work the row says n/a.
 *
 * The ratios: default/floor (the target of the page-allocator rows: ≤ 3× on order0-lifo-1024, ≤ 2×
 * on random-256-live, goal 1.5×), default/fast (≤ 1.5× on the three page-allocator rows),
 * default/peer (< 1 wherever the peer is comparable), stacks/default (information).
 *
 * Method: work is done in rounds (a round is 1024 ops, one pass over the 65536-step random sequence,
 * or 4096 vmalloc pairs); each implementation is calibrated to runs of about 60 ms (10 ms with
 * --quick), warmed up, then timed in 15 runs (5 with --quick) with `process.hrtime.bigint()`, interleaved with the
 * other implementations in a rotating order, so slow drift of a shared machine favours none. The
 * figure is the median run, in ns per op pair (alloc+free, get+put, vmalloc+vfree, a bulk call of 16
 * and its 16 frees) of process CPU time (`process.cpuUsage()`, user + system, every thread, so GC
 * helpers count): on a machine shared with other work, wall time also counts the time the process
 * waited for a CPU. `--wall` uses wall time; the JSON has both. Random rows replay one seeded sequence from its start every round. A checksum folds one
 * pfn or address per round so nothing is optimised away. After the timed runs each implementation
 * frees everything and is checked: memdesc with `verifyMemory`, `buddyinfo` equal to the pristine
 * one after `drainAllPages`, vmstat allocations = frees; floors and limits by their stack depth and
 * generation sums; the peer by `MemPool.stats()`.
 *
 * Results: a table on stdout and the same data, with every run, in bench/results/bench.json.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));

// ------------------------------------------------------------------------------------ arguments

const argv = process.argv.slice(2);
const flags = new Set();
let only = null;
let distDir = join(HERE, '..', 'dist');
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === '--quick' || a === '--json-only' || a === '--wall') flags.add(a);
  else if (a === '--only' && i + 1 < argv.length) only = argv[++i].split(',');
  else if (a === '--dist' && i + 1 < argv.length) distDir = resolve(argv[++i]);
  else {
    console.error(`bench: unknown argument ${a}\nusage: node bench/run.js [--quick] [--json-only] [--wall] [--only ids] [--dist DIR]`);
    process.exit(2);
  }
}
const QUICK = flags.has('--quick');
/** Which clock the figures use: process CPU time (default; a shared machine's waiting excluded) or wall time. */
const CLOCK = flags.has('--wall') ? 'wall' : 'cpu';
const JSON_ONLY = flags.has('--json-only');

let md;
try {
  md = await import(pathToFileURL(join(distDir, 'index.js')).href);
} catch (e) {
  console.error(`bench: cannot load ${distDir}/index.js (${e.message}).\nBuild first: npx tsc -p tsconfig.build.json`);
  process.exit(1);
}
const { createMemory, allocPage, allocPages, freePage, freePages, pageToPfn, drainAllPages, memStats, buddyinfo, verifyMemory } = md;
const { GFP_KERNEL, PAGE_SIZE, folioAlloc, folioGet, folioPut, folioPfn, folioRefCount, liveAllocations } = md;
const { kmemCacheCreate, kmemCacheAlloc, kmemCacheFree, kmemCacheDestroy, kmalloc, kfree, vmalloc, vfree, vmallocToPage } = md;
const { allocPagesBulk } = md; // undefined in builds older than its introduction: its rows are skipped
const { MemPool } = await import('@thi.ng/malloc');

const CFG = {
  targetRunMs: QUICK ? 10 : 60,
  calibrateMs: QUICK ? 2 : 10,
  warmupMs: QUICK ? 20 : 250,
  runs: QUICK ? 5 : 15,
  createRuns: QUICK ? 1 : 3,
};

/** The machine of every timed row: `createMemory()`'s default size, 256 MiB. */
const MACHINE_PAGES = 65536;
const POOL_BYTES = MACHINE_PAGES * PAGE_SIZE + 4 * 1024 * 1024;
const ROUND = 1024;
const LIVE = 256;
const LIVE_MASK = LIVE - 1;
const SEQ_LEN = 65536;
const SEED = 0x6d656d64; // 'memd'
const BULK = 16;
const VMALLOC_PAGES = 16;
const VMALLOC_ROUND = 4096;
const BIG_PAGES = 16 * 1024 * 1024;

/** The memdesc configurations measured. */
const VARIANTS = {
  default: () => createMemory(),
  fast: () => createMemory({ debug: 'fast', printk: null }),
  stacks: () => createMemory({ pageOwnerStacks: true }),
};

// ------------------------------------------------------------------------------------ helpers

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

/** The seeded sequence: bits 0..7 pick the live slot, bits 8..9 an order (random-orders-0-3). */
const SEQ = new Uint32Array(SEQ_LEN);
const INIT_ORDERS = new Uint8Array(LIVE);
{
  const rand = mulberry32(SEED);
  for (let i = 0; i < SEQ_LEN; i++) SEQ[i] = rand();
  for (let i = 0; i < LIVE; i++) INIT_ORDERS[i] = rand() & 3;
}

/** A plain JS array of n small integers (PACKED_SMI), the holder every implementation uses. */
function heldArray(n) {
  const a = [];
  for (let i = 0; i < n; i++) a.push(0);
  return a;
}

function failed(who, scenario) {
  throw new Error(`bench: ${who} allocation failed in ${scenario}`);
}

const CHECKSUM_INIT = 0x811c9dc5;
const foldChecksum = (acc, x) => {
  acc = Math.imul(acc ^ (x >>> 0), 0x01000193);
  return Math.imul(acc ^ Math.floor(x / 0x100000000), 0x01000193) >>> 0;
};
const now = () => process.hrtime.bigint();
function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
const log = (msg) => process.stderr.write(msg + '\n');

/** An Int32Array stack of the pfns of every `1 << order` block in [base, base+pages), lowest on top. */
function pfnStack(base, pages, order) {
  const n = pages >> order;
  const stack = new Int32Array(n);
  for (let i = 0; i < n; i++) stack[i] = base + ((n - 1 - i) << order);
  return stack;
}

// ------------------------------------------------------------------------------------ floors

const DEAD = 0x40;

/**
 * The floor's handle: the least an unforgeable, stale-checked page handle can be — five ES private
 * fields, as memdesc's PageHandle; its memory object is `{ gen }` (and `rc` for folios).
 */
class FloorHandle {
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
  /** Free: brand, dead and stale checks, then bump the generation and mark it dead. Head or < 0. */
  static release(h) {
    if (!(#pfn in h) || h.#bits & DEAD) return -1;
    const gen = h.#mem.gen;
    const head = h.#head;
    if (gen[head] !== h.#gen) return -2;
    gen[head] = h.#gen + 1;
    h.#bits |= DEAD;
    return head;
  }
  /** Get: check the handle it is taken through, count one more, a new handle. */
  static get(h) {
    if (!(#pfn in h) || h.#bits & DEAD) return null;
    const mem = h.#mem;
    const head = h.#head;
    if (mem.gen[head] !== h.#gen) return null;
    mem.rc[head]++;
    return new FloorHandle(mem, head, head, h.#gen, h.#bits & 0xf);
  }
  /** Put: brand, dead, stale and underflow checks, mark it dead, count one less. */
  static put(h) {
    if (!(#pfn in h)) return -1;
    const mem = h.#mem;
    const head = h.#head;
    if (h.#bits & DEAD || mem.gen[head] !== h.#gen) return -2;
    const count = mem.rc[head];
    if (count <= 0) return -3;
    h.#bits |= DEAD;
    mem.rc[head] = count - 1;
    return count - 1;
  }
}

function refused(code, scenario) {
  throw new Error(`bench: floor refused a valid free (${code}) in ${scenario}`);
}

/** The floor's post-run check: full stack, and the generation bumps count every free. */
function floorSanity(mem, stack, top, frees) {
  let bumps = 0;
  for (let i = 0; i < mem.gen.length; i++) bumps += mem.gen[i];
  return { ok: top === stack.length && bumps === frees, depth: top, generationBumps: bumps, expectedFrees: frees };
}

/**
 * The floor of slab objects (kmem_cache, kmalloc ≤ 8 KiB): objects are addresses, so there is no
 * handle object; the least a double-free-detecting object allocator does is a stack of free slots,
 * an in-use byte per slot, and on free an alignment and in-use check.
 */
class SlotFloor {
  constructor(size, slots) {
    this.size = size;
    this.base = 0x10000000;
    this.stack = pfnStack(0, slots, 0);
    this.top = slots;
    this.inuse = new Uint8Array(slots);
  }
  alloc() {
    if (this.top === 0) return -1;
    const i = this.stack[--this.top];
    this.inuse[i] = 1;
    return this.base + i * this.size;
  }
  free(addr) {
    const off = addr - this.base;
    const i = (off / this.size) | 0;
    if (i * this.size !== off || this.inuse[i] !== 1) return false;
    this.inuse[i] = 0;
    this.stack[this.top++] = i;
    return true;
  }
}

/** The floor of a vmalloc area: a record with private fields, its pages, and an address lookup. */
class AreaFloor {
  #start;
  #pages;
  #dead = false;
  constructor(start, pages) {
    this.#start = start;
    this.#pages = pages;
  }
  static pages(a) {
    return a.#pages;
  }
  static kill(a) {
    if (!(#start in a) || a.#dead) return false;
    a.#dead = true;
    return true;
  }
}

// ------------------------------------------------------------------------------------ memdesc post-run checks

function memdescSanity(mem, initialBuddyinfo, expectedAllocations) {
  const liveBefore = liveAllocations(mem).length;
  drainAllPages(mem);
  verifyMemory(mem);
  const st = memStats(mem);
  const restored = buddyinfo(mem) === initialBuddyinfo;
  const expected = expectedAllocations ?? st.vmstat.frees;
  const countsMatch = st.vmstat.allocations === expected && st.vmstat.frees === expected;
  return {
    ok: restored && countsMatch && st.liveAllocations === 0 && liveBefore === 0,
    buddyinfoRestored: restored,
    allocations: st.vmstat.allocations,
    expectedAllocations,
    pcpRefills: st.vmstat.pcpRefills,
    pcpDrains: st.vmstat.pcpDrains,
  };
}

function peerSanity(pool) {
  const st = pool.stats();
  return { ok: st.used.count === 0, usedBlocks: st.used.count };
}

const newPool = () => new MemPool({ size: POOL_BYTES });

// ------------------------------------------------------------------------------------ scenario builders
//
// impls.memdesc(newMem) builds the memdesc implementation on a machine from one of VARIANTS; the
// others take no argument. Each returns { run(rounds) -> checksum, finish(totalOps) -> sanity }.

/** Pattern A: hold `ROUND` blocks of one order, free them newest first. */
const lifo = {
  memdesc: (order) => (newMem) => {
    const mem = newMem();
    const initial = buddyinfo(mem);
    const held = heldArray(ROUND);
    return {
      run(rounds) {
        let sum = 0;
        for (let r = 0; r < rounds; r++) {
          for (let i = 0; i < ROUND; i++) {
            const p = order === 0 ? allocPage(mem, GFP_KERNEL) : allocPages(mem, GFP_KERNEL, order);
            if (p === null) failed('memdesc', 'lifo');
            held[i] = p;
          }
          sum += pageToPfn(held[ROUND - 1]);
          if (order === 0) for (let i = ROUND - 1; i >= 0; i--) freePage(held[i]);
          else for (let i = ROUND - 1; i >= 0; i--) freePages(held[i], order);
        }
        return sum;
      },
      finish: (ops) => memdescSanity(mem, initial, ops),
    };
  },
  limit: () => {
    const stack = pfnStack(0, MACHINE_PAGES, 0);
    let top = stack.length;
    const held = heldArray(ROUND);
    return {
      run(rounds) {
        let sum = 0;
        for (let r = 0; r < rounds; r++) {
          for (let i = 0; i < ROUND; i++) {
            if (top === 0) failed('limit', 'lifo');
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
  floor: () => {
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
            if (top === 0) failed('floor', 'lifo');
            const pfn = stack[--top];
            held[i] = new FloorHandle(mem, pfn, pfn, gen[pfn], 0);
          }
          sum += FloorHandle.pfn(held[ROUND - 1]);
          for (let i = ROUND - 1; i >= 0; i--) {
            const head = FloorHandle.release(held[i]);
            if (head < 0) refused(head, 'lifo');
            stack[top++] = head;
          }
        }
        return sum;
      },
      finish: (ops) => floorSanity(mem, stack, top, ops),
    };
  },
  peer: () => {
    const pool = newPool();
    const held = heldArray(ROUND);
    return {
      run(rounds) {
        let sum = 0;
        for (let r = 0; r < rounds; r++) {
          for (let i = 0; i < ROUND; i++) {
            const a = pool.malloc(PAGE_SIZE);
            if (a === 0) failed('peer', 'lifo');
            held[i] = a;
          }
          sum += held[ROUND - 1];
          for (let i = ROUND - 1; i >= 0; i--) pool.free(held[i]);
        }
        return sum;
      },
      finish: () => peerSanity(pool),
    };
  },
};

/** Pattern B: LIVE live blocks; each step frees a random one and allocates anew (orders 0, or 0..3). */
const random = {
  memdesc: (orders) => (newMem) => {
    const mem = newMem();
    const initial = buddyinfo(mem);
    const live = heldArray(LIVE);
    const liveOrder = new Uint8Array(LIVE);
    for (let i = 0; i < LIVE; i++) {
      liveOrder[i] = orders ? INIT_ORDERS[i] : 0;
      live[i] = allocPages(mem, GFP_KERNEL, liveOrder[i]) ?? failed('memdesc', 'random');
    }
    return {
      run(rounds) {
        let sum = 0;
        for (let r = 0; r < rounds; r++) {
          if (orders) {
            for (let s = 0; s < SEQ_LEN; s++) {
              const rnd = SEQ[s];
              const slot = rnd & LIVE_MASK;
              const order = (rnd >>> 8) & 3;
              freePages(live[slot], liveOrder[slot]);
              const p = allocPages(mem, GFP_KERNEL, order);
              if (p === null) failed('memdesc', 'random-orders');
              live[slot] = p;
              liveOrder[slot] = order;
            }
          } else {
            for (let s = 0; s < SEQ_LEN; s++) {
              const slot = SEQ[s] & LIVE_MASK;
              freePage(live[slot]);
              const p = allocPage(mem, GFP_KERNEL);
              if (p === null) failed('memdesc', 'random');
              live[slot] = p;
            }
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
  limit: (orders) => () => {
    // Order o comes from its own region of MACHINE_PAGES/4 pages cut into blocks of order o.
    const region = MACHINE_PAGES / 4;
    const stacks = [0, 1, 2, 3].map((o) => pfnStack(o * region, region, orders ? o : 0));
    const tops = Int32Array.from(stacks, (s) => s.length);
    const live = heldArray(LIVE);
    const liveOrder = new Uint8Array(LIVE);
    for (let i = 0; i < LIVE; i++) {
      const o = orders ? INIT_ORDERS[i] : 0;
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
            const order = orders ? (rnd >>> 8) & 3 : 0;
            const old = liveOrder[slot];
            stacks[old][tops[old]++] = live[slot];
            if (tops[order] === 0) failed('limit', 'random');
            live[slot] = stacks[order][--tops[order]];
            liveOrder[slot] = order;
          }
          sum += live[0];
        }
        return sum;
      },
      finish() {
        for (let i = 0; i < LIVE; i++) stacks[liveOrder[i]][tops[liveOrder[i]]++] = live[i];
        return { ok: stacks.every((s, o) => tops[o] === s.length) };
      },
    };
  },
  floor: (orders) => () => {
    const region = MACHINE_PAGES / 4;
    const stacks = [0, 1, 2, 3].map((o) => pfnStack(o * region, region, orders ? o : 0));
    const tops = Int32Array.from(stacks, (s) => s.length);
    const mem = { gen: new Uint32Array(MACHINE_PAGES) };
    const gen = mem.gen;
    const live = heldArray(LIVE);
    const liveOrder = new Uint8Array(LIVE);
    for (let i = 0; i < LIVE; i++) {
      const o = orders ? INIT_ORDERS[i] : 0;
      const pfn = stacks[o][--tops[o]];
      liveOrder[i] = o;
      live[i] = new FloorHandle(mem, pfn, pfn, gen[pfn], o);
    }
    return {
      run(rounds) {
        let sum = 0;
        for (let r = 0; r < rounds; r++) {
          for (let s = 0; s < SEQ_LEN; s++) {
            const rnd = SEQ[s];
            const slot = rnd & LIVE_MASK;
            const order = orders ? (rnd >>> 8) & 3 : 0;
            const head = FloorHandle.release(live[slot]);
            if (head < 0) refused(head, 'random');
            const old = liveOrder[slot];
            stacks[old][tops[old]++] = head;
            if (tops[order] === 0) failed('floor', 'random');
            const pfn = stacks[order][--tops[order]];
            live[slot] = new FloorHandle(mem, pfn, pfn, gen[pfn], order);
            liveOrder[slot] = order;
          }
          sum += FloorHandle.pfn(live[0]);
        }
        return sum;
      },
      finish(ops) {
        for (let i = 0; i < LIVE; i++) stacks[liveOrder[i]][tops[liveOrder[i]]++] = FloorHandle.release(live[i]);
        let bumps = 0;
        for (let i = 0; i < gen.length; i++) bumps += gen[i];
        return { ok: stacks.every((s, o) => tops[o] === s.length) && bumps === LIVE + ops, generationBumps: bumps };
      },
    };
  },
  peer: (orders) => () => {
    const pool = newPool();
    const live = heldArray(LIVE);
    for (let i = 0; i < LIVE; i++) live[i] = pool.malloc(PAGE_SIZE << (orders ? INIT_ORDERS[i] : 0)) || failed('peer', 'random');
    return {
      run(rounds) {
        let sum = 0;
        for (let r = 0; r < rounds; r++) {
          for (let s = 0; s < SEQ_LEN; s++) {
            const rnd = SEQ[s];
            const slot = rnd & LIVE_MASK;
            pool.free(live[slot]);
            const a = pool.malloc(PAGE_SIZE << (orders ? (rnd >>> 8) & 3 : 0));
            if (a === 0) failed('peer', 'random');
            live[slot] = a;
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
};

/** Pattern C: all memory free; alloc one block of `order`, free it (optionally drainAllPages). */
function splitMerge(id, order, drain, machineOptions) {
  return {
    memdesc: (newMem) => {
      const mem = machineOptions ? newMem(machineOptions) : newMem();
      const initial = buddyinfo(mem);
      return {
        run(rounds) {
          let sum = 0;
          for (let r = 0; r < rounds; r++) {
            for (let i = 0; i < ROUND; i++) {
              const p = allocPages(mem, GFP_KERNEL, order);
              if (p === null) failed('memdesc', id);
              if (i === 0) sum += pageToPfn(p);
              freePages(p, order);
              if (drain) drainAllPages(mem);
            }
          }
          return sum;
        },
        finish: (ops) => memdescSanity(mem, initial, ops),
      };
    },
    limit: () => {
      const stack = pfnStack(0, MACHINE_PAGES, order);
      let top = stack.length;
      return {
        run(rounds) {
          let sum = 0;
          for (let r = 0; r < rounds; r++) {
            for (let i = 0; i < ROUND; i++) {
              const pfn = stack[--top];
              if (i === 0) sum += pfn;
              stack[top++] = pfn;
            }
          }
          return sum;
        },
        finish: () => ({ ok: top === stack.length }),
      };
    },
    floor: () => {
      const stack = pfnStack(0, MACHINE_PAGES, order);
      let top = stack.length;
      const mem = { gen: new Uint32Array(MACHINE_PAGES) };
      return {
        run(rounds) {
          let sum = 0;
          for (let r = 0; r < rounds; r++) {
            for (let i = 0; i < ROUND; i++) {
              const pfn = stack[--top];
              const h = new FloorHandle(mem, pfn, pfn, mem.gen[pfn], order);
              if (i === 0) sum += FloorHandle.pfn(h);
              const head = FloorHandle.release(h);
              if (head < 0) refused(head, id);
              stack[top++] = head;
            }
          }
          return sum;
        },
        finish: (ops) => floorSanity(mem, stack, top, ops),
      };
    },
    peer: () => {
      const pool = newPool();
      const bytes = PAGE_SIZE << order;
      return {
        run(rounds) {
          let sum = 0;
          for (let r = 0; r < rounds; r++) {
            for (let i = 0; i < ROUND; i++) {
              const a = pool.malloc(bytes);
              if (a === 0) failed('peer', id);
              if (i === 0) sum += a;
              pool.free(a);
            }
          }
          return sum;
        },
        finish: () => peerSanity(pool),
      };
    },
  };
}

/** Pattern D: 16 order-0 pages at once — allocPagesBulk, or 16 allocPage calls — then 16 frees. */
function sixteen(bulk) {
  const id = bulk ? 'bulk-16' : 'singles-16';
  return {
    memdesc: (newMem) => {
      const mem = newMem();
      const initial = buddyinfo(mem);
      const arr = new Array(BULK).fill(null);
      return {
        run(rounds) {
          let sum = 0;
          for (let r = 0; r < rounds; r++) {
            for (let i = 0; i < ROUND; i++) {
              if (bulk) {
                if (allocPagesBulk(mem, GFP_KERNEL, BULK, arr) !== BULK) failed('memdesc', id);
              } else {
                for (let j = 0; j < BULK; j++) {
                  const p = allocPage(mem, GFP_KERNEL);
                  if (p === null) failed('memdesc', id);
                  arr[j] = p;
                }
              }
              if (i === 0) sum += pageToPfn(arr[0]);
              for (let j = 0; j < BULK; j++) {
                freePage(arr[j]);
                arr[j] = null;
              }
            }
          }
          return sum;
        },
        finish: (ops) => memdescSanity(mem, initial, ops * BULK),
      };
    },
    limit: () => {
      const stack = pfnStack(0, MACHINE_PAGES, 0);
      let top = stack.length;
      const arr = heldArray(BULK);
      return {
        run(rounds) {
          let sum = 0;
          for (let r = 0; r < rounds; r++) {
            for (let i = 0; i < ROUND; i++) {
              for (let j = 0; j < BULK; j++) arr[j] = stack[--top];
              if (i === 0) sum += arr[0];
              for (let j = 0; j < BULK; j++) stack[top++] = arr[j];
            }
          }
          return sum;
        },
        finish: () => ({ ok: top === stack.length }),
      };
    },
    floor: () => {
      const stack = pfnStack(0, MACHINE_PAGES, 0);
      let top = stack.length;
      const mem = { gen: new Uint32Array(MACHINE_PAGES) };
      const arr = new Array(BULK).fill(null);
      return {
        run(rounds) {
          let sum = 0;
          for (let r = 0; r < rounds; r++) {
            for (let i = 0; i < ROUND; i++) {
              for (let j = 0; j < BULK; j++) {
                const pfn = stack[--top];
                arr[j] = new FloorHandle(mem, pfn, pfn, mem.gen[pfn], 0);
              }
              if (i === 0) sum += FloorHandle.pfn(arr[0]);
              for (let j = 0; j < BULK; j++) {
                const head = FloorHandle.release(arr[j]);
                if (head < 0) refused(head, id);
                stack[top++] = head;
                arr[j] = null;
              }
            }
          }
          return sum;
        },
        finish: (ops) => floorSanity(mem, stack, top, ops * BULK),
      };
    },
    peer: () => {
      const pool = newPool();
      const arr = heldArray(BULK);
      return {
        run(rounds) {
          let sum = 0;
          for (let r = 0; r < rounds; r++) {
            for (let i = 0; i < ROUND; i++) {
              for (let j = 0; j < BULK; j++) {
                const a = pool.malloc(PAGE_SIZE);
                if (a === 0) failed('peer', id);
                arr[j] = a;
              }
              if (i === 0) sum += arr[0];
              for (let j = 0; j < BULK; j++) pool.free(arr[j]);
            }
          }
          return sum;
        },
        finish: () => peerSanity(pool),
      };
    },
  };
}

/** Pattern E: LIVE live slab objects (a kmem_cache of `size`, or kmalloc(size)); random free + alloc. */
function objects(size, viaKmalloc) {
  const id = viaKmalloc ? `kmalloc-${size}` : `kmem-cache-${size}`;
  const slots = Math.floor((MACHINE_PAGES * PAGE_SIZE) / Math.max(size, 8));
  return {
    memdesc: (newMem) => {
      const mem = newMem();
      const initial = buddyinfo(mem);
      const cache = viaKmalloc ? null : kmemCacheCreate(mem, 'bench_obj', size);
      const alloc = viaKmalloc ? () => kmalloc(mem, size, GFP_KERNEL) : () => kmemCacheAlloc(mem, cache, GFP_KERNEL);
      const free = viaKmalloc ? (o) => kfree(o) : (o) => kmemCacheFree(cache, o);
      const live = heldArray(LIVE);
      for (let i = 0; i < LIVE; i++) live[i] = alloc() ?? failed('memdesc', id);
      return {
        run(rounds) {
          let sum = 0;
          for (let r = 0; r < rounds; r++) {
            for (let s = 0; s < SEQ_LEN; s++) {
              const slot = SEQ[s] & LIVE_MASK;
              free(live[slot]);
              const o = alloc();
              if (o === null) failed('memdesc', id);
              live[slot] = o;
            }
            sum += live[0] >>> 0;
          }
          return sum;
        },
        finish() {
          for (let i = 0; i < LIVE; i++) free(live[i]);
          if (cache !== null) kmemCacheDestroy(cache);
          return memdescSanity(mem, initial, null);
        },
      };
    },
    limit: () => {
      const stack = pfnStack(0, slots, 0);
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
              live[slot] = stack[--top];
            }
            sum += live[0];
          }
          return sum;
        },
        finish() {
          for (let i = 0; i < LIVE; i++) stack[top++] = live[i];
          return { ok: top === stack.length };
        },
      };
    },
    floor: () => {
      const f = new SlotFloor(size, slots);
      const live = heldArray(LIVE);
      for (let i = 0; i < LIVE; i++) live[i] = f.alloc();
      return {
        run(rounds) {
          let sum = 0;
          for (let r = 0; r < rounds; r++) {
            for (let s = 0; s < SEQ_LEN; s++) {
              const slot = SEQ[s] & LIVE_MASK;
              if (!f.free(live[slot])) refused(-2, id);
              const o = f.alloc();
              if (o < 0) failed('floor', id);
              live[slot] = o;
            }
            sum += live[0] >>> 0;
          }
          return sum;
        },
        finish() {
          for (let i = 0; i < LIVE; i++) f.free(live[i]);
          return { ok: f.top === slots };
        },
      };
    },
    peer: () => {
      const pool = newPool();
      const live = heldArray(LIVE);
      for (let i = 0; i < LIVE; i++) live[i] = pool.malloc(size) || failed('peer', id);
      return {
        run(rounds) {
          let sum = 0;
          for (let r = 0; r < rounds; r++) {
            for (let s = 0; s < SEQ_LEN; s++) {
              const slot = SEQ[s] & LIVE_MASK;
              pool.free(live[slot]);
              const a = pool.malloc(size);
              if (a === 0) failed('peer', id);
              live[slot] = a;
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
  };
}

/** Large kmalloc (> 8 KiB): a compound block from the page allocator; its floor is a page floor. */
function largeKmalloc(size) {
  const id = `kmalloc-${size}`;
  const order = Math.ceil(Math.log2(size / PAGE_SIZE));
  const o = objects(size, true);
  return {
    ...o,
    floor: () => {
      // The page floor with the address as the object: a stack of block pfns, a generation per
      // block checked on free (an address has no handle to carry it, so an in-use byte stands in).
      const stack = pfnStack(0, MACHINE_PAGES, order);
      let top = stack.length;
      const inuse = new Uint8Array(MACHINE_PAGES);
      const base = 0x10000000;
      const live = heldArray(LIVE);
      const alloc = () => {
        const pfn = stack[--top];
        inuse[pfn] = 1;
        return base + pfn * PAGE_SIZE;
      };
      for (let i = 0; i < LIVE; i++) live[i] = alloc();
      return {
        run(rounds) {
          let sum = 0;
          for (let r = 0; r < rounds; r++) {
            for (let s = 0; s < SEQ_LEN; s++) {
              const slot = SEQ[s] & LIVE_MASK;
              const pfn = (live[slot] - base) / PAGE_SIZE;
              if ((pfn & ((1 << order) - 1)) !== 0 || inuse[pfn] !== 1) refused(-2, id);
              inuse[pfn] = 0;
              stack[top++] = pfn;
              live[slot] = alloc();
            }
            sum += live[0] >>> 0;
          }
          return sum;
        },
        finish() {
          for (let i = 0; i < LIVE; i++) stack[top++] = (live[i] - base) / PAGE_SIZE;
          return { ok: top === stack.length };
        },
      };
    },
  };
}

/** Pattern F: vmalloc(16 pages) + vfree on an otherwise free machine. */
const vmalloc16 = {
  memdesc: (newMem) => {
    const mem = newMem();
    const initial = buddyinfo(mem);
    const bytes = VMALLOC_PAGES * PAGE_SIZE;
    return {
      run(rounds) {
        let sum = 0;
        for (let r = 0; r < rounds; r++) {
          for (let i = 0; i < VMALLOC_ROUND; i++) {
            const a = vmalloc(mem, bytes);
            if (a === null) failed('memdesc', 'vmalloc-16-pages');
            if (i === 0) sum += pageToPfn(vmallocToPage(a));
            vfree(a);
          }
        }
        return sum;
      },
      finish: (ops) => memdescSanity(mem, initial, ops * VMALLOC_PAGES),
    };
  },
  limit: () => {
    const stack = pfnStack(0, MACHINE_PAGES, 0);
    let top = stack.length;
    const pages = new Int32Array(VMALLOC_PAGES);
    return {
      run(rounds) {
        let sum = 0;
        for (let r = 0; r < rounds; r++) {
          for (let i = 0; i < VMALLOC_ROUND; i++) {
            for (let j = 0; j < VMALLOC_PAGES; j++) pages[j] = stack[--top];
            if (i === 0) sum += pages[0];
            for (let j = 0; j < VMALLOC_PAGES; j++) stack[top++] = pages[j];
          }
        }
        return sum;
      },
      finish: () => ({ ok: top === stack.length }),
    };
  },
  floor: () => {
    const stack = pfnStack(0, MACHINE_PAGES, 0);
    let top = stack.length;
    const areas = new Map();
    let next = 0x100000000;
    return {
      run(rounds) {
        let sum = 0;
        for (let r = 0; r < rounds; r++) {
          for (let i = 0; i < VMALLOC_ROUND; i++) {
            const pages = new Int32Array(VMALLOC_PAGES);
            for (let j = 0; j < VMALLOC_PAGES; j++) pages[j] = stack[--top];
            const start = next;
            next += (VMALLOC_PAGES + 1) * PAGE_SIZE;
            areas.set(start, new AreaFloor(start, pages));
            if (i === 0) sum += pages[0];
            const a = areas.get(start);
            if (a === undefined || !AreaFloor.kill(a)) refused(-2, 'vmalloc-16-pages');
            const ps = AreaFloor.pages(a);
            for (let j = 0; j < VMALLOC_PAGES; j++) stack[top++] = ps[j];
            areas.delete(start);
          }
        }
        return sum;
      },
      finish: () => ({ ok: top === stack.length && areas.size === 0 }),
    };
  },
  peer: () => {
    const pool = newPool();
    const bytes = VMALLOC_PAGES * PAGE_SIZE;
    return {
      run(rounds) {
        let sum = 0;
        for (let r = 0; r < rounds; r++) {
          for (let i = 0; i < VMALLOC_ROUND; i++) {
            const a = pool.malloc(bytes);
            if (a === 0) failed('peer', 'vmalloc-16-pages');
            if (i === 0) sum += a;
            pool.free(a);
          }
        }
        return sum;
      },
      finish: () => peerSanity(pool),
    };
  },
};

/** Pattern G: folio get+put through one order-0 folio (the count goes 1 → 2 → 1). */
const folioGetPut = {
  memdesc: (newMem) => {
    const mem = newMem();
    const initial = buddyinfo(mem);
    const folio = folioAlloc(mem, GFP_KERNEL, 0) ?? failed('memdesc', 'folio-get-put');
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
        const before = folioRefCount(folio);
        folioPut(folio);
        const s = memdescSanity(mem, initial, 1);
        return { ...s, ok: s.ok && before === 1, countBeforeLastPut: before };
      },
    };
  },
  limit: () => {
    const rc = new Int32Array(MACHINE_PAGES);
    rc[0] = 1;
    let lastPuts = 0;
    return {
      run(rounds) {
        let sum = 0;
        for (let r = 0; r < rounds; r++) {
          for (let i = 0; i < ROUND; i++) {
            rc[0]++;
            if (i === 0) sum += rc[0];
            if (--rc[0] === 0) lastPuts++;
          }
        }
        return sum;
      },
      finish: () => ({ ok: rc[0] === 1 && lastPuts === 0 }),
    };
  },
  floor: () => {
    const mem = { gen: new Uint32Array(MACHINE_PAGES), rc: new Int32Array(MACHINE_PAGES) };
    mem.rc[0] = 1;
    const folio = new FloorHandle(mem, 0, 0, 0, 0);
    return {
      run(rounds) {
        let sum = 0;
        for (let r = 0; r < rounds; r++) {
          for (let i = 0; i < ROUND; i++) {
            const ref = FloorHandle.get(folio);
            if (ref === null) refused(-2, 'folio-get-put');
            if (i === 0) sum += FloorHandle.pfn(ref) + mem.rc[0];
            const left = FloorHandle.put(ref);
            if (left <= 0) refused(left, 'folio-get-put');
          }
        }
        return sum;
      },
      finish: () => ({ ok: mem.rc[0] === 1 }),
    };
  },
};

// ------------------------------------------------------------------------------------ scenarios

const FLOOR_PAGE = 'floor: the limit plus one 5-private-field handle per allocation, brand-, dead- and generation-checked on free';

/** Verdict helpers (each returns { target, value, verdict }). */
const T = {
  vsFast: (r, max) => ({ target: `default ≤ ${max}× fast`, value: r.ratios.defaultToFast, verdict: r.ratios.defaultToFast <= max ? 'PASS' : 'MISS' }),
  vsFloor: (r, max, goal) => ({
    target: `default ≤ ${max}× floor (goal ${goal}×)`,
    value: r.ratios.defaultToFloor,
    verdict: r.ratios.defaultToFloor <= goal ? 'PASS (goal)' : r.ratios.defaultToFloor <= max ? 'PASS' : 'MISS',
  }),
  vsPeer: (r) => ({ target: 'default faster than peer', value: r.ratios.defaultToPeer, verdict: r.ratios.defaultToPeer < 1 ? 'PASS' : 'MISS' }),
};

const SCENARIOS = [
  {
    id: 'order0-lifo-1024',
    roundOps: ROUND,
    what: 'allocPage × 1024 (held in an array), then freePage newest first; ns per alloc+free pair',
    notes: [FLOOR_PAGE, 'peer: malloc(4096)/free'],
    variants: ['default', 'fast'],
    impls: { memdesc: lifo.memdesc(0), limit: lifo.limit, floor: lifo.floor, peer: lifo.peer },
    targets: (r) => [T.vsFast(r, 1.5), T.vsFloor(r, 3, 1.5), T.vsPeer(r)],
  },
  {
    id: 'random-256-live',
    roundOps: SEQ_LEN,
    what: `${LIVE} live order-0 pages; each step freePage()s a random one and allocPage()s anew (seeded); ns per free+alloc pair`,
    notes: [FLOOR_PAGE, 'peer: malloc(4096)/free'],
    variants: ['default', 'fast'],
    impls: { memdesc: random.memdesc(false), limit: random.limit(false), floor: random.floor(false), peer: random.peer(false) },
    targets: (r) => [T.vsFast(r, 1.5), T.vsFloor(r, 2, 1.5), T.vsPeer(r)],
  },
  {
    id: 'random-orders-0-3',
    roundOps: SEQ_LEN,
    what: `${LIVE} live blocks; each step frees a random one and allocPages() a block of random order 0..3; ns per pair`,
    notes: [
      'limit and floor: one stack per order over 4 fixed regions: no splitting, no merging (no buddy allocator can reach it)',
      'peer: malloc(4096 << order)',
    ],
    variants: ['default', 'fast'],
    impls: { memdesc: random.memdesc(true), limit: random.limit(true), floor: random.floor(true), peer: random.peer(true) },
    targets: (r) => [T.vsFast(r, 1.5), T.vsPeer(r)],
  },
  {
    id: 'worst-case-split-merge',
    roundOps: ROUND,
    what: 'all memory free; allocPages(order 0) + freePages + drainAllPages: each pair refills the per-CPU list (a batch split from order 10) and merges it back',
    notes: ['limit/floor: pop/push (no split, no merge); peer: malloc(4096)/free on an empty pool (it has no per-CPU cache to drain)'],
    variants: ['default', 'fast'],
    impls: splitMerge('worst-case-split-merge', 0, true),
    targets: (r) => [T.vsFast(r, 1.5)],
  },
  {
    id: 'worst-case-split-merge-pcp1',
    roundOps: ROUND,
    what: 'pcpBatch = pcpHigh = 1: each order-0 alloc splits an order-10 block, each free merges it straight back; ns per pair',
    notes: ['limit/floor: pop/push; peer: malloc(4096)/free'],
    variants: ['default', 'fast'],
    impls: splitMerge('worst-case-split-merge-pcp1', 0, false, { pcpBatch: 1, pcpHigh: 1 }),
    targets: (r) => [T.vsFast(r, 1.5), T.vsPeer(r)],
  },
  {
    id: 'order10-direct',
    roundOps: ROUND,
    what: 'all memory free; allocPages(order 10) + freePages(order 10): no split, no merge; ns per pair',
    notes: ['peer: malloc(4 MiB)/free'],
    variants: ['default', 'fast'],
    impls: splitMerge('order10-direct', 10, false),
    targets: (r) => [T.vsFast(r, 1.5), T.vsPeer(r)],
  },
  {
    id: 'bulk-16',
    needs: () => typeof allocPagesBulk === 'function',
    roundOps: ROUND,
    what: `allocPagesBulk(mem, GFP_KERNEL, ${BULK}, array) then ${BULK} × freePage; ns per bulk call and its ${BULK} frees`,
    notes: [`floor: ${BULK} pops, ${BULK} floor handles into the array, ${BULK} checked releases; peer: ${BULK} × malloc(4096)/free`],
    variants: ['default', 'fast'],
    impls: sixteen(true),
    targets: (r) => [T.vsFast(r, 1.5), T.vsPeer(r)],
  },
  {
    id: 'singles-16',
    roundOps: ROUND,
    what: `${BULK} × allocPage then ${BULK} × freePage: the same work as bulk-16 without the bulk call; ns per ${BULK}+${BULK}`,
    notes: ['the same floor and peer as bulk-16'],
    variants: ['default', 'fast'],
    impls: sixteen(false),
    targets: (r) => [T.vsFast(r, 1.5), T.vsPeer(r)],
  },
  {
    id: 'folio-get-put',
    roundOps: ROUND,
    what: 'one order-0 folio; each op is const r = folioGet(folio); folioPut(r) (a new ARef per get; the count goes 1 → 2 → 1); ns per get+put',
    notes: [
      'floor: the handle floor as a counted reference: get checks the handle and counts in an Int32Array column, put checks, underflow-checks and marks dead',
      'peer: n/a (MemPool has no reference counts)',
    ],
    variants: ['default', 'fast'],
    impls: folioGetPut,
    targets: (r) => [T.vsFast(r, 1.5)],
  },
  {
    id: 'kmem-cache-256',
    roundOps: SEQ_LEN,
    what: `kmemCacheCreate(mem, 'bench_obj', 256); ${LIVE} live objects; each step kmemCacheFree()s a random one and kmemCacheAlloc()s anew; ns per pair`,
    notes: [
      'floor: objects are addresses (no handle object): a stack of free slots, an in-use byte per slot, an alignment and in-use check on free',
      'peer: malloc(256)/free',
    ],
    variants: ['default', 'fast'],
    impls: objects(256, false),
    targets: (r) => [T.vsFast(r, 1.5), T.vsPeer(r)],
  },
  ...[32, 256, 2048].map((size) => ({
    id: `kmalloc-${size}`,
    roundOps: SEQ_LEN,
    what: `kmalloc(mem, ${size}, GFP_KERNEL) / kfree; ${LIVE} live; each step frees a random one and allocates anew; ns per pair`,
    notes: ['floor: as kmem-cache-256, slots of the size class; peer: malloc/free of the same size'],
    variants: ['default', 'fast'],
    impls: objects(size, true),
    targets: (r) => [T.vsFast(r, 1.5), T.vsPeer(r)],
  })),
  {
    id: 'kmalloc-16384',
    roundOps: SEQ_LEN,
    what: `kmalloc(mem, 16384, GFP_KERNEL) / kfree (above KMALLOC_MAX_CACHE_SIZE: an order-2 compound block from the page allocator); ${LIVE} live; ns per pair`,
    notes: ['floor: a stack of order-2 blocks, the address as the object, an in-use byte checked on free; peer: malloc(16384)/free'],
    variants: ['default', 'fast'],
    impls: largeKmalloc(16384),
    targets: (r) => [T.vsFast(r, 1.5), T.vsPeer(r)],
  },
  {
    id: 'vmalloc-16-pages',
    roundOps: VMALLOC_ROUND,
    what: `all memory free; const a = vmalloc(mem, ${VMALLOC_PAGES} * 4096); vfree(a): ${VMALLOC_PAGES} scattered pages mapped at a new address; ns per pair`,
    notes: [
      `floor: ${VMALLOC_PAGES} pops into a new Int32Array, an area record with private fields, a Map from address to area (set, get, delete), ${VMALLOC_PAGES} pushes`,
      `peer: malloc(${VMALLOC_PAGES * PAGE_SIZE})/free: one contiguous block, no pages, no address space, no use-after-free detection — comparable in purpose, not in work`,
    ],
    variants: ['default', 'fast'],
    impls: vmalloc16,
    targets: (r) => [T.vsFast(r, 1.5), T.vsPeer(r)],
  },
  {
    id: 'page-owner-stacks',
    roundOps: ROUND,
    what: 'order0-lifo-1024 with createMemory({ pageOwnerStacks: true }) beside the default: what page_owner stacks cost; ns per alloc+free pair',
    notes: ['run last and alone: the stacks it keeps (one per pfn allocated and freed) grow the heap, which would slow the other rows'],
    variants: ['default', 'stacks'],
    impls: { memdesc: lifo.memdesc(0), floor: lifo.floor, limit: lifo.limit },
    targets: () => [],
  },
];

// ------------------------------------------------------------------------------------ measurement

/** Builds the implementations of a scenario: name -> factory. */
function implsOf(scn) {
  const out = {};
  out.limit = scn.impls.limit;
  out.floor = scn.impls.floor;
  for (const v of scn.variants) out[v] = () => scn.impls.memdesc((extra) => (extra ? createMemory({ ...variantOptions(v), ...extra }) : VARIANTS[v]()));
  if (scn.impls.peer) out.peer = scn.impls.peer;
  return out;
}

function variantOptions(v) {
  return v === 'default' ? {} : v === 'fast' ? { debug: 'fast', printk: null } : { pageOwnerStacks: true };
}

function measureScenario(scn) {
  log(`bench: ${scn.id}`);
  const factories = implsOf(scn);
  const names = Object.keys(factories);
  const state = {};
  for (const name of names) {
    const impl = factories[name]();
    const s = { impl, rounds: 1, totalOps: 0, checksum: CHECKSUM_INIT, runsNs: [], runsCpuNs: [], lastCpuNs: 0 };
    s.exec = (rounds) => {
      const c0 = process.cpuUsage();
      const t0 = now();
      const c = impl.run(rounds);
      const ns = Number(now() - t0);
      const cpu = process.cpuUsage(c0);
      s.lastCpuNs = (cpu.user + cpu.system) * 1000;
      s.totalOps += rounds * scn.roundOps;
      s.checksum = foldChecksum(s.checksum, c);
      return ns;
    };
    let rounds = 1;
    for (;;) {
      const ns = s.exec(rounds);
      if (ns >= CFG.calibrateMs * 1e6 || rounds >= 1 << 24) {
        s.rounds = Math.max(1, Math.round((rounds * CFG.targetRunMs * 1e6) / ns));
        break;
      }
      rounds *= ns < (CFG.calibrateMs * 1e6) / 8 ? 8 : 2;
    }
    const until = now() + BigInt(CFG.warmupMs * 1e6);
    do s.exec(s.rounds);
    while (now() < until);
    state[name] = s;
  }
  for (let run = 0; run < CFG.runs; run++) {
    for (let k = 0; k < names.length; k++) {
      const s = state[names[(run + k) % names.length]];
      s.runsNs.push(s.exec(s.rounds));
      s.runsCpuNs.push(s.lastCpuNs);
    }
  }
  const impls = {};
  for (const name of names) {
    const s = state[name];
    const opsPerRun = s.rounds * scn.roundOps;
    const wallPerOp = s.runsNs.map((ns) => ns / opsPerRun);
    const cpuPerOp = s.runsCpuNs.map((ns) => ns / opsPerRun);
    const nsPerOp = CLOCK === 'cpu' ? cpuPerOp : wallPerOp;
    impls[name] = {
      medianNsPerOp: median(nsPerOp),
      minNsPerOp: Math.min(...nsPerOp),
      maxNsPerOp: Math.max(...nsPerOp),
      nsPerOpRuns: nsPerOp,
      wallNsPerOpRuns: wallPerOp,
      cpuNsPerOpRuns: cpuPerOp,
      medianWallNsPerOp: median(wallPerOp),
      medianCpuNsPerOp: median(cpuPerOp),
      opsPerRun,
      checksum: '0x' + s.checksum.toString(16).padStart(8, '0'),
      sanity: s.impl.finish(s.totalOps),
    };
    if (!impls[name].sanity.ok) log(`bench: WARNING: ${scn.id}/${name} post-run check failed: ${JSON.stringify(impls[name].sanity)}`);
  }
  const ns = (n) => impls[n]?.medianNsPerOp;
  const ratio = (a, b) => (ns(a) !== undefined && ns(b) !== undefined ? ns(a) / ns(b) : null);
  const result = {
    id: scn.id,
    what: scn.what,
    notes: scn.notes,
    unit: 'ns/op pair',
    impls,
    ratios: {
      defaultToFloor: ratio('default', 'floor'),
      defaultToFast: ratio('default', 'fast'),
      defaultToPeer: ratio('default', 'peer'),
      defaultToLimit: ratio('default', 'limit'),
      fastToFloor: ratio('fast', 'floor'),
      stacksToDefault: ratio('stacks', 'default'),
    },
  };
  result.targets = scn.targets(result).filter((t) => t.value !== null);
  return result;
}

/** createMemory-64GiB in fresh child processes: the default and the fast configuration. */
function measureCreate() {
  log(`bench: createMemory-64GiB (${CFG.createRuns} child process(es) each)`);
  const child = join(HERE, 'child-create.js');
  const runChild = (mode) => {
    const r = spawnSync(process.execPath, [child, String(BIG_PAGES), mode, distDir], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`bench: child-create ${mode} failed (status ${r.status}):\n${r.stderr}`);
    return JSON.parse(r.stdout.trim().split('\n').pop());
  };
  const modes = ['default', 'fast', 'limit'];
  const runs = Object.fromEntries(modes.map((m) => [m, []]));
  for (let i = 0; i < CFG.createRuns; i++) for (const m of modes) runs[m].push(runChild(m));
  const summary = (rs) => ({
    medianCreateMs: median(rs.map((r) => r.createMs)),
    medianWorkloadMs: median(rs.map((r) => r.workloadMs)),
    maxRssMiB: Math.max(...rs.map((r) => Math.max(r.rssAfterCreateMiB, r.rssAfterWorkloadMiB))),
    medianRssBaselineMiB: median(rs.map((r) => r.rssBaselineMiB)),
    metadataBytesPerPage: rs[0].metadataBytesPerPage,
    runs: rs,
  });
  const res = { id: 'createMemory-64GiB', pages: BIG_PAGES };
  for (const m of modes) res[m] = summary(runs[m]);
  const d = res.default;
  res.targets = [
    { target: 'createMemory (default) < 1000 ms', value: d.medianCreateMs, verdict: d.medianCreateMs < 1000 ? 'PASS' : 'MISS' },
    { target: 'RSS (default) < 300 MiB', value: d.maxRssMiB, verdict: d.maxRssMiB < 300 ? 'PASS' : 'MISS' },
    { target: 'memmap ≤ 16 B/page', value: d.metadataBytesPerPage, verdict: d.metadataBytesPerPage <= 16 ? 'PASS' : 'MISS' },
  ];
  return res;
}

// ------------------------------------------------------------------------------------ output

const COLS = ['limit', 'floor', 'default', 'fast', 'stacks', 'peer'];
const fmtNs = (x) => (x === undefined ? '-' : x >= 1000 ? x.toFixed(0) : x >= 100 ? x.toFixed(1) : x.toFixed(2));
const fmtX = (x) => (x === null || x === undefined ? '-' : `${x.toFixed(2)}x`);

function printTable(results, create) {
  const header = ['scenario (ns/op)', ...COLS, 'def/floor', 'def/fast', 'def/peer', 'stk/def', 'target', 'verdict'];
  const rows = [];
  for (const r of results) {
    const base = [
      r.id,
      ...COLS.map((c) => (c === 'peer' && !r.impls.peer ? 'n/a' : fmtNs(r.impls[c]?.medianNsPerOp))),
      fmtX(r.ratios.defaultToFloor),
      fmtX(r.ratios.defaultToFast),
      r.impls.peer ? fmtX(r.ratios.defaultToPeer) : 'n/a',
      fmtX(r.ratios.stacksToDefault),
    ];
    if (r.targets.length === 0) rows.push([...base, '(information)', '-']);
    r.targets.forEach((t, i) => rows.push([...(i === 0 ? base : base.map(() => '')), t.target, t.verdict]));
  }
  if (create) {
    const cell = (m, f) => (create[m] ? f(create[m]) : '-');
    const [tTime, tRss, tMeta] = create.targets;
    rows.push(['createMemory-64GiB ms', cell('limit', (x) => x.medianCreateMs.toFixed(0)), '-', cell('default', (x) => x.medianCreateMs.toFixed(0)), cell('fast', (x) => x.medianCreateMs.toFixed(0)), '-', 'n/a', '', '', '', '', tTime.target, tTime.verdict]);
    rows.push(['createMemory-64GiB RSS MiB', cell('limit', (x) => x.maxRssMiB.toFixed(0)), '-', cell('default', (x) => x.maxRssMiB.toFixed(0)), cell('fast', (x) => x.maxRssMiB.toFixed(0)), '-', 'n/a', '', '', '', '', tRss.target, tRss.verdict]);
    rows.push(['memmap B/page', cell('limit', (x) => String(x.metadataBytesPerPage)), '-', cell('default', (x) => String(x.metadataBytesPerPage)), cell('fast', (x) => String(x.metadataBytesPerPage)), '-', 'n/a', '', '', '', '', tMeta.target, tMeta.verdict]);
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const left = new Set([0, header.length - 2, header.length - 1]);
  const line = (cells) => cells.map((c, i) => (left.has(i) ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
}

function printNotes(results, create, meta) {
  console.log('\nColumns: limit = bare Int32Array stack; floor = the least with checked handles (per row below); default = createMemory();');
  console.log("fast = createMemory({ debug: 'fast' }); stacks = createMemory({ pageOwnerStacks: true }); peer = @thi.ng/malloc MemPool.");
  console.log('\nWhat each row measures:');
  for (const r of results) {
    console.log(`  ${r.id}: ${r.what}`);
    for (const n of r.notes) console.log(`      - ${n}`);
  }
  if (create) {
    console.log(
      `  createMemory-64GiB: createMemory({ pages: ${BIG_PAGES} }) in a fresh process (default and fast), then 1000 allocations of ` +
        'orders 0..3 freed again; RSS is the whole process (Node baseline ' +
        `${create.default.medianRssBaselineMiB.toFixed(0)} MiB included); peer n/a (MemPool offsets are 32-bit)`,
    );
  }
  console.log('\nSpread (min..max ns/op over the timed runs):');
  for (const r of results) {
    const parts = Object.keys(r.impls).map((n) => `${n} ${fmtNs(r.impls[n].minNsPerOp)}..${fmtNs(r.impls[n].maxNsPerOp)}`);
    console.log(`  ${r.id.padEnd(28)} ${parts.join('  ')}`);
  }
  const bad = results.flatMap((r) => Object.keys(r.impls).filter((n) => !r.impls[n].sanity.ok).map((n) => `${r.id}/${n}`));
  console.log(`\nPost-run checks: ${bad.length === 0 ? 'all passed' : 'FAILED: ' + bad.join(', ')}`);
  console.log(
    `\n${meta.quick ? 'QUICK run (smoke test; figures are rough). ' : ''}figures: ${meta.clock}; ${meta.runs} timed runs of ~${meta.targetRunMs} ms per implementation; ` +
      `node ${meta.node}; ${meta.cpu}; load average ${meta.loadavg.map((x) => x.toFixed(1)).join(' ')}; total ${meta.totalSeconds.toFixed(1)} s`,
  );
}

// ------------------------------------------------------------------------------------ main

const started = now();
const results = [];
for (const scn of SCENARIOS) {
  if (only !== null && !only.some((p) => scn.id.startsWith(p))) continue;
  if (scn.needs && !scn.needs()) {
    log(`bench: ${scn.id} skipped (not in this build)`);
    continue;
  }
  results.push(measureScenario(scn));
}
const create = only === null || only.some((p) => 'createMemory-64GiB'.startsWith(p)) ? measureCreate() : null;
const totalSeconds = Number(now() - started) / 1e9;

const pkg = JSON.parse(readFileSync(join(HERE, '..', 'package.json'), 'utf8'));
const peerPkg = JSON.parse(readFileSync(join(HERE, '..', 'node_modules', '@thi.ng', 'malloc', 'package.json'), 'utf8'));
const meta = {
  tool: 'memdesc bench/run.js',
  clock: CLOCK === 'cpu' ? 'process CPU time (process.cpuUsage: user + system, all threads)' : 'wall time (process.hrtime.bigint)',
  date: new Date().toISOString(),
  memdesc: pkg.version,
  dist: distDir,
  peer: `@thi.ng/malloc ${peerPkg.version}`,
  node: process.version,
  v8: process.versions.v8,
  cpu: `${os.cpus()[0]?.model ?? 'unknown CPU'} x${os.cpus().length}`,
  loadavg: os.loadavg(),
  quick: QUICK,
  runs: CFG.runs,
  targetRunMs: CFG.targetRunMs,
  machinePages: MACHINE_PAGES,
  randomSequence: { generator: 'mulberry32', seed: SEED, length: SEQ_LEN, liveBlocks: LIVE },
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
