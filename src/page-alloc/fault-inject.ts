/**
 * `fail_page_alloc` — fault injection for the page allocator (mm/fail_page_alloc.c,
 * Documentation/fault-injection/fault-injection.rst), so callers' error paths can be tested.
 *
 * @module
 */
import { invalidArgument, optionKeys, readOptions } from '../debug/mm-error.js';
import { __GFP_DIRECT_RECLAIM, __GFP_HIGHMEM, __GFP_NOFAIL } from './gfp.js';
import { MAX_PAGE_ORDER } from './constants.js';

/**
 * `/sys/kernel/debug/fail_page_alloc/*` — how `fail_page_alloc` picks the allocations it fails
 * ({@link failPageAlloc}, `createMemory({ failPageAlloc })`). All fields are optional; with none
 * set, nothing fails. The kernel's debugfs knob each field mirrors is named in its description.
 *
 * @example
 * ```ts
 * import { createMemory, allocPages, GFP_KERNEL, __GFP_NOWARN } from 'memdesc';
 * // Fail a seeded quarter of the allocations of order 2 and above, at most 10 times.
 * const mem = createMemory({
 *   failPageAlloc: { probability: 0.25, seed: 42, minOrder: 2, times: 10 },
 * });
 * console.log(allocPages(mem, GFP_KERNEL | __GFP_NOWARN, 0) !== null); // true: below minOrder
 * ```
 */
export interface FailPageAllocOptions {
  /** `fail-nth`: the Nth allocation attempt from now fails (1 = the next one), once. */
  readonly failNth?: number;
  /** `probability` as a fraction 0..1 (the kernel takes a percentage): fail that share. */
  readonly probability?: number;
  /** Seed of the pseudo-random generator behind `probability` (deterministic runs). */
  readonly seed?: number;
  /** `interval`: only every Nth candidate may fail. */
  readonly interval?: number;
  /** `times`: at most this many failures in all (-1 or absent: no limit). */
  readonly times?: number;
  /** `min-order`: allocations below this order never fail. */
  readonly minOrder?: number;
  /** `ignore-gfp-wait`: allocations that may sleep (`__GFP_DIRECT_RECLAIM`) never fail. */
  readonly ignoreGfpReclaim?: boolean;
  /** `ignore-gfp-highmem`: `__GFP_HIGHMEM` allocations never fail. */
  readonly ignoreGfpHighmem?: boolean;
}

/** Every field of {@link FailPageAllocOptions} (the compiler checks the list is complete). */
const FAIL_OPTION_KEYS = optionKeys<FailPageAllocOptions>()([
  'failNth',
  'probability',
  'seed',
  'interval',
  'times',
  'minOrder',
  'ignoreGfpReclaim',
  'ignoreGfpHighmem',
]);

/** Fault-injection options read once, field by field (see readOptions): an array or a throwing getter is INVALID_ARGUMENT. */
export function plainFailOptions(options: unknown, fn: string): FailPageAllocOptions {
  return readOptions(fn, 'fault injection options', options, FAIL_OPTION_KEYS) as FailPageAllocOptions;
}

/** Live state of fault injection for one Memory. */
export class FailPageAlloc {
  nth = 0;
  probability = 0;
  interval = 1;
  times = -1;
  minOrder = 0;
  ignoreGfpReclaim = false;
  ignoreGfpHighmem = false;
  private rng = 0;
  private count = 0;
  /** How many allocations were failed on purpose. */
  injected = 0;

  /** Whether any failure can be injected: checked on every allocation, so a plain field. */
  enabled = false;

  /** Validates everything first, then applies: a bad field changes nothing. */
  configure(opts: FailPageAllocOptions, fn: string): void {
    if (typeof opts !== 'object' || opts === null) invalidArgument(fn, 'fault injection options must be an object', opts);
    const nth = opts.failNth ?? 0;
    if (!Number.isSafeInteger(nth) || nth < 0) invalidArgument(fn, 'failNth must be an integer >= 0', opts.failNth);
    const p = opts.probability ?? 0;
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) invalidArgument(fn, 'probability must be a number in 0..1', opts.probability);
    const seed = opts.seed ?? 1;
    if (!Number.isSafeInteger(seed)) invalidArgument(fn, 'seed must be an integer', opts.seed);
    const interval = opts.interval ?? 1;
    if (!Number.isSafeInteger(interval) || interval < 1) invalidArgument(fn, 'interval must be an integer >= 1', opts.interval);
    const times = opts.times ?? -1;
    if (!Number.isSafeInteger(times) || times < -1) invalidArgument(fn, 'times must be an integer >= -1', opts.times);
    const minOrder = opts.minOrder ?? 0;
    if (!Number.isInteger(minOrder) || minOrder < 0 || minOrder > MAX_PAGE_ORDER) {
      invalidArgument(fn, `minOrder must be an integer in 0..${MAX_PAGE_ORDER}`, opts.minOrder);
    }
    this.nth = nth;
    this.probability = p;
    this.rng = seed | 0 || 1;
    this.interval = interval;
    this.times = times;
    this.minOrder = minOrder;
    this.ignoreGfpReclaim = opts.ignoreGfpReclaim === true;
    this.ignoreGfpHighmem = opts.ignoreGfpHighmem === true;
    this.count = 0;
    this.enabled = nth > 0 || p > 0;
  }

  /** `should_fail_alloc_page()` followed by `should_fail_ex()`. */
  shouldFail(gfp: number, order: number): boolean {
    if (order < this.minOrder) return false;
    if (gfp & __GFP_NOFAIL) return false;
    if (this.ignoreGfpHighmem && gfp & __GFP_HIGHMEM) return false;
    if (this.ignoreGfpReclaim && gfp & __GFP_DIRECT_RECLAIM) return false;
    if (this.nth > 0) {
      if (--this.nth === 0) {
        this.enabled = this.probability > 0;
        return this.fail();
      }
      return false;
    }
    if (this.times === 0) return false;
    if (this.interval > 1 && ++this.count % this.interval !== 0) return false;
    if (this.probability < 1 && this.random() >= this.probability) return false;
    return this.fail();
  }

  private fail(): boolean {
    if (this.times > 0) this.times--;
    this.injected++;
    return true;
  }

  /** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
  private random(): number {
    let t = (this.rng = (this.rng + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}
