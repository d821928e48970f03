/**
 * Child process of bench/run.js for the `createMemory-64GiB` scenario.
 *
 * Resident memory can only be measured honestly in a process that has done nothing else, so
 * run.js spawns this file once per timed run:
 *
 *     node bench/child-create.js <pages> default|fast|limit [DIST]
 *
 * and reads one line of JSON from its stdout:
 *
 * - `default` / `fast`: times `createMemory({ pages })` (page_owner records on) or
 *   `createMemory({ pages, debug: 'fast', printk: null })`, then runs a small workload (1000
 *   allocations of orders 0..3, all freed, then `drainAllPages`) and reports RSS after each step,
 *   plus `memStats(mem).metadataBytesPerPage` (the memmap; page_owner's records are extra).
 * - `limit`: the least a page allocator over `pages` frames can build: an `Int32Array` stack
 *   holding every pfn (what the LIMIT implementation of the other scenarios allocates from), then
 *   the same 1000 pops and pushes.
 *
 * All times are wall-clock `process.hrtime.bigint()` differences; RSS is
 * `process.memoryUsage().rss` (the whole process, Node's own baseline included).
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const DIST = resolve(process.argv[4] ?? join(dirname(fileURLToPath(import.meta.url)), '..', 'dist'));
const { createMemory, allocPages, freePages, drainAllPages, memStats, GFP_KERNEL } = await import(pathToFileURL(join(DIST, 'index.js')).href);

const MiB = 1024 * 1024;
const WORKLOAD_OPS = 1000;

const pages = Number(process.argv[2]);
const mode = process.argv[3];
if (!Number.isSafeInteger(pages) || pages <= 0 || (mode !== 'default' && mode !== 'fast' && mode !== 'limit')) {
  console.error('usage: node bench/child-create.js <pages> default|fast|limit [DIST]');
  process.exit(2);
}

/** Milliseconds since `t0` (a `process.hrtime.bigint()` value). */
const msSince = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;
const rssMiB = () => process.memoryUsage().rss / MiB;

/** A small deterministic PRNG (mulberry32) so the workload is the same in every child. */
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

const rssBaseline = rssMiB();
const rand = mulberry32(0x5eed);
let checksum = 0;
let result;

if (mode !== 'limit') {
  const t0 = process.hrtime.bigint();
  const mem = createMemory(mode === 'fast' ? { pages, debug: 'fast', printk: null } : { pages });
  const createMs = msSince(t0);
  const rssAfterCreate = rssMiB();

  // Workload: 1000 allocations of random orders 0..3 held at once, then all freed and drained.
  const t1 = process.hrtime.bigint();
  const held = [];
  const orders = [];
  for (let i = 0; i < WORKLOAD_OPS; i++) {
    const order = rand() & 3;
    const page = allocPages(mem, GFP_KERNEL, order);
    if (page === null) throw new Error(`createMemory-64GiB workload: allocation ${i} (order ${order}) failed`);
    held.push(page);
    orders.push(order);
  }
  for (let i = WORKLOAD_OPS - 1; i >= 0; i--) freePages(held[i], orders[i]);
  drainAllPages(mem);
  const workloadMs = msSince(t1);
  const stats = memStats(mem);
  checksum = stats.vmstat.allocations + stats.vmstat.frees;
  result = {
    mode,
    pages,
    createMs,
    workloadMs,
    rssBaselineMiB: rssBaseline,
    rssAfterCreateMiB: rssAfterCreate,
    rssAfterWorkloadMiB: rssMiB(),
    metadataBytesPerPage: stats.metadataBytesPerPage,
    freePagesAfterWorkload: stats.freePages,
    checksum,
  };
} else {
  // The LIMIT: one Int32Array stack of every pfn, filled (and so touched) once.
  const t0 = process.hrtime.bigint();
  const stack = new Int32Array(pages);
  for (let pfn = 0; pfn < pages; pfn++) stack[pfn] = pages - 1 - pfn;
  let top = pages;
  const createMs = msSince(t0);
  const rssAfterCreate = rssMiB();

  const t1 = process.hrtime.bigint();
  const held = [];
  for (let i = 0; i < WORKLOAD_OPS; i++) {
    const pfn = stack[--top];
    checksum += pfn;
    held.push(pfn);
  }
  for (let i = WORKLOAD_OPS - 1; i >= 0; i--) stack[top++] = held[i];
  const workloadMs = msSince(t1);
  result = {
    mode,
    pages,
    createMs,
    workloadMs,
    rssBaselineMiB: rssBaseline,
    rssAfterCreateMiB: rssAfterCreate,
    rssAfterWorkloadMiB: rssMiB(),
    metadataBytesPerPage: Int32Array.BYTES_PER_ELEMENT,
    freePagesAfterWorkload: top,
    checksum,
  };
}

process.stdout.write(JSON.stringify(result) + '\n');
