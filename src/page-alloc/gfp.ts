/**
 * GFP ("get free pages") flags: how an allocation may behave. The bit values are the kernel's
 * (`include/linux/gfp_types.h`), so a `mode:0xcc0` in a kernel log means the same thing here.
 *
 * @module
 */
import { invalidArgument } from '../debug/mm-error.js';
import type { AnyMaySleep, Gfp } from '../types/gfp.js';

/* The individual bits, as in include/linux/gfp_types.h (v6.1 numbering, without __GFP_ATOMIC). */
/** `__GFP_DMA` — allocate from ZONE_DMA. */
export const __GFP_DMA = 0x01 as Gfp<false>;
/** `__GFP_HIGHMEM` — highmem is acceptable (a no-op on 64-bit, kept for fidelity). */
export const __GFP_HIGHMEM = 0x02 as Gfp<false>;
/** `__GFP_DMA32` — allocate from ZONE_DMA32 or below. */
export const __GFP_DMA32 = 0x04 as Gfp<false>;
/** `__GFP_MOVABLE` — the page can be migrated. */
export const __GFP_MOVABLE = 0x08 as Gfp<false>;
/** `__GFP_RECLAIMABLE` — the page belongs to a reclaimable slab. */
export const __GFP_RECLAIMABLE = 0x10 as Gfp<false>;
/** `__GFP_HIGH` — high priority: may use part of the reserve below the min watermark. */
export const __GFP_HIGH = 0x20 as Gfp<false>;
/** `__GFP_IO` — may start physical I/O. */
export const __GFP_IO = 0x40 as Gfp<false>;
/** `__GFP_FS` — may call into the filesystem. */
export const __GFP_FS = 0x80 as Gfp<false>;
/** `__GFP_ZERO` — return zeroed memory. */
export const __GFP_ZERO = 0x100 as Gfp<false>;
/** `__GFP_DIRECT_RECLAIM` — the caller may sleep and reclaim memory itself. */
export const __GFP_DIRECT_RECLAIM = 0x400 as Gfp<true>;
/** `__GFP_KSWAPD_RECLAIM` — wake kswapd when the low watermark is reached. */
export const __GFP_KSWAPD_RECLAIM = 0x800 as Gfp<false>;
/** `__GFP_WRITE` — the caller intends to dirty the page. */
export const __GFP_WRITE = 0x1000 as Gfp<false>;
/** `__GFP_NOWARN` — do not print the "page allocation failure" report. */
export const __GFP_NOWARN = 0x2000 as Gfp<false>;
/** `__GFP_RETRY_MAYFAIL` — try hard, but fail rather than OOM-kill. */
export const __GFP_RETRY_MAYFAIL = 0x4000 as Gfp<false>;
/** `__GFP_NOFAIL` — the caller cannot handle failure (fault injection never fails it). */
export const __GFP_NOFAIL = 0x8000 as Gfp<false>;
/** `__GFP_NORETRY` — give up early. */
export const __GFP_NORETRY = 0x10000 as Gfp<false>;
/** `__GFP_MEMALLOC` — may use all reserves. */
export const __GFP_MEMALLOC = 0x20000 as Gfp<false>;
/** `__GFP_COMP` — make a compound page: a head page and tails that point back to it. */
export const __GFP_COMP = 0x40000 as Gfp<false>;
/** `__GFP_NOMEMALLOC` — never use the emergency reserves. */
export const __GFP_NOMEMALLOC = 0x80000 as Gfp<false>;
/** `__GFP_HARDWALL` — enforce the cpuset memory policy. */
export const __GFP_HARDWALL = 0x100000 as Gfp<false>;
/** `__GFP_THISNODE` — no fallback to other nodes. */
export const __GFP_THISNODE = 0x200000 as Gfp<false>;
/** `__GFP_ACCOUNT` — account the allocation to the memory cgroup. */
export const __GFP_ACCOUNT = 0x400000 as Gfp<false>;
/** `__GFP_ZEROTAGS` — zero memory tags (arm64 MTE). */
export const __GFP_ZEROTAGS = 0x800000 as Gfp<false>;

/** `__GFP_RECLAIM` — both reclaim bits. */
export const __GFP_RECLAIM = 0xc00 as Gfp<true>; // __GFP_DIRECT_RECLAIM | __GFP_KSWAPD_RECLAIM

/** `GFP_ATOMIC` — cannot sleep, may use part of the reserves (interrupt handlers, under spinlocks). */
export const GFP_ATOMIC = 0x820 as Gfp<false>; // __GFP_HIGH | __GFP_KSWAPD_RECLAIM
/** `GFP_KERNEL` — the normal kernel allocation: may sleep, reclaim, do I/O and call the FS. */
export const GFP_KERNEL = 0xcc0 as Gfp<true>; // __GFP_RECLAIM | __GFP_IO | __GFP_FS
/** `GFP_KERNEL_ACCOUNT` — GFP_KERNEL charged to the memory cgroup. */
export const GFP_KERNEL_ACCOUNT = 0x400cc0 as Gfp<true>;
/** `GFP_NOWAIT` — cannot sleep and may not dip into the reserves. */
export const GFP_NOWAIT = 0x800 as Gfp<false>; // __GFP_KSWAPD_RECLAIM
/** `GFP_NOIO` — may reclaim but not start I/O. */
export const GFP_NOIO = 0xc00 as Gfp<true>;
/** `GFP_NOFS` — may reclaim and do I/O but not call the filesystem. */
export const GFP_NOFS = 0xc40 as Gfp<true>;
/** `GFP_USER` — for user-space allocations the kernel makes on a process's behalf. */
export const GFP_USER = 0x100cc0 as Gfp<true>;
/** `GFP_DMA` — from ZONE_DMA. */
export const GFP_DMA = 0x01 as Gfp<false>;
/** `GFP_DMA32` — from ZONE_DMA32. */
export const GFP_DMA32 = 0x04 as Gfp<false>;
/** `GFP_HIGHUSER` — user pages, highmem allowed. */
export const GFP_HIGHUSER = 0x100cc2 as Gfp<true>;
/** `GFP_HIGHUSER_MOVABLE` — user pages that can be migrated (page cache, anonymous memory). */
export const GFP_HIGHUSER_MOVABLE = 0x100cca as Gfp<true>;
/** `GFP_TRANSHUGE_LIGHT` — transparent huge pages, without direct reclaim. */
export const GFP_TRANSHUGE_LIGHT = 0x1c20ca as Gfp<false>; // (GFP_HIGHUSER_MOVABLE|COMP|NOMEMALLOC|NOWARN) & ~RECLAIM
/** `GFP_TRANSHUGE` — transparent huge pages, with direct reclaim. */
export const GFP_TRANSHUGE = 0x1c24ca as Gfp<true>;

/**
 * `__GFP_BITS_MASK` (v6.1 numbering, less `__GFP_ATOMIC`) — every bit memdesc knows; any other bit
 * in a GFP value is `INVALID_ARGUMENT` at the allocation that uses it.
 */
export const GFP_VALID_MASK: number = 0xffffff & ~0x200;

/**
 * The kernel's `__def_gfpflag_names` table (include/trace/events/mmflags.h), in its order:
 * composites first, so a value prints as `GFP_KERNEL|__GFP_ZERO` exactly as `%pGg` prints it.
 */
const GFP_NAMES: ReadonlyArray<readonly [number, string]> = [
  [GFP_TRANSHUGE, 'GFP_TRANSHUGE'],
  [GFP_TRANSHUGE_LIGHT, 'GFP_TRANSHUGE_LIGHT'],
  [GFP_HIGHUSER_MOVABLE, 'GFP_HIGHUSER_MOVABLE'],
  [GFP_HIGHUSER, 'GFP_HIGHUSER'],
  [GFP_USER, 'GFP_USER'],
  [GFP_KERNEL_ACCOUNT, 'GFP_KERNEL_ACCOUNT'],
  [GFP_KERNEL, 'GFP_KERNEL'],
  [GFP_NOFS, 'GFP_NOFS'],
  [GFP_ATOMIC, 'GFP_ATOMIC'],
  [GFP_NOIO, 'GFP_NOIO'],
  [GFP_NOWAIT, 'GFP_NOWAIT'],
  [GFP_DMA, 'GFP_DMA'],
  [__GFP_HIGHMEM, '__GFP_HIGHMEM'],
  [GFP_DMA32, 'GFP_DMA32'],
  [__GFP_HIGH, '__GFP_HIGH'],
  [__GFP_IO, '__GFP_IO'],
  [__GFP_FS, '__GFP_FS'],
  [__GFP_NOWARN, '__GFP_NOWARN'],
  [__GFP_RETRY_MAYFAIL, '__GFP_RETRY_MAYFAIL'],
  [__GFP_NOFAIL, '__GFP_NOFAIL'],
  [__GFP_NORETRY, '__GFP_NORETRY'],
  [__GFP_COMP, '__GFP_COMP'],
  [__GFP_ZERO, '__GFP_ZERO'],
  [__GFP_NOMEMALLOC, '__GFP_NOMEMALLOC'],
  [__GFP_MEMALLOC, '__GFP_MEMALLOC'],
  [__GFP_HARDWALL, '__GFP_HARDWALL'],
  [__GFP_THISNODE, '__GFP_THISNODE'],
  [__GFP_RECLAIMABLE, '__GFP_RECLAIMABLE'],
  [__GFP_MOVABLE, '__GFP_MOVABLE'],
  [__GFP_ACCOUNT, '__GFP_ACCOUNT'],
  [__GFP_WRITE, '__GFP_WRITE'],
  [__GFP_RECLAIM, '__GFP_RECLAIM'],
  [__GFP_DIRECT_RECLAIM, '__GFP_DIRECT_RECLAIM'],
  [__GFP_KSWAPD_RECLAIM, '__GFP_KSWAPD_RECLAIM'],
  [__GFP_ZEROTAGS, '__GFP_ZEROTAGS'],
];

/**
 * `%pGg` — renders GFP flags the way the kernel's tracepoints and `warn_alloc()` do:
 * `GFP_KERNEL|__GFP_ZERO`, `none` for 0, and leftover unknown bits in hex. Composite names are
 * tried first, in the order of `__def_gfpflag_names` (include/trace/events/mmflags.h).
 *
 * **When to use**: to print a GFP value in a log line or test message; memdesc's own reports
 * (`page allocation failure: … mode:0xcc0(GFP_KERNEL)`) use it.
 *
 * **Gotchas**: any `gfp_t` (an unsigned 32-bit integer) prints: a bit memdesc does not know is
 * printed in hex rather than refused. Anything else (NaN, a string, a fraction, a negative number) is
 * `INVALID_ARGUMENT`.
 *
 * @example
 * ```ts
 * import { gfpToString, GFP_KERNEL, GFP_ATOMIC, __GFP_ZERO } from 'memdesc';
 * console.log(gfpToString(GFP_KERNEL | __GFP_ZERO)); // "GFP_KERNEL|__GFP_ZERO"
 * console.log(gfpToString(GFP_ATOMIC)); // "GFP_ATOMIC"
 * console.log(gfpToString(0)); // "none"
 * ```
 * @see {@link parseGfp}
 */
export function gfpToString(gfp: number): string {
  checkGfpT(gfp, 'gfpToString');
  if (gfp === 0) return 'none';
  let rest = gfp >>> 0;
  const parts: string[] = [];
  for (const [mask, name] of GFP_NAMES) {
    if ((rest & mask) === mask) {
      parts.push(name);
      rest &= ~mask;
      if (rest === 0) break;
    }
  }
  if (rest !== 0) parts.push('0x' + rest.toString(16));
  return parts.join('|');
}

/** A `gfp_t`: an unsigned 32-bit integer (any bits), or INVALID_ARGUMENT. */
function checkGfpT(gfp: unknown, fn: string): asserts gfp is number {
  if (typeof gfp !== 'number' || gfp >>> 0 !== gfp) invalidArgument(fn, 'gfp must be a gfp_t (an unsigned 32-bit integer)', gfp);
}

const NAME_TO_BITS: ReadonlyMap<string, number> = new Map(
  GFP_NAMES.map(([mask, name]) => [name, mask] as const).concat([
    ['__GFP_DMA', __GFP_DMA],
    ['__GFP_DMA32', __GFP_DMA32],
    // v6.1 and older print __GFP_ATOMIC (0x200); its meaning is folded into GFP_ATOMIC today.
    ['__GFP_ATOMIC', 0x200],
  ]),
);

/**
 * `%pGg` read back — parses the text form of GFP flags into bits: `GFP_KERNEL|__GFP_ZERO`, `0xcc0`,
 * `none`. The names are the kernel's, so a `mode:0xcc0(GFP_KERNEL)` copied from a kernel log
 * parses.
 *
 * **When to use**: reading GFP flags from a command line, a config file or a kernel log.
 *
 * **Gotchas**: returns `undefined` for a name it does not know (the caller decides what that
 * means); anything but a string is `INVALID_ARGUMENT`. The result is a plain `number`, which atomic contexts refuse at compile
 * time; `__GFP_ATOMIC` (a v6.1 log name) parses to its old bit, which allocations refuse with
 * `INVALID_ARGUMENT`.
 *
 * @example
 * ```ts
 * import { parseGfp, GFP_KERNEL, __GFP_ZERO } from 'memdesc';
 * console.log(parseGfp('GFP_KERNEL|__GFP_ZERO') === (GFP_KERNEL | __GFP_ZERO)); // true
 * console.log(parseGfp('0xcc0') === GFP_KERNEL); // true
 * console.log(parseGfp('GFP_WHATEVER')); // undefined
 * ```
 * @see {@link gfpToString}
 */
export function parseGfp(text: string): number | undefined {
  if (typeof text !== 'string') invalidArgument('parseGfp', 'text must be a string', text);
  const t = text.trim();
  if (t === 'none' || t === '0') return 0;
  let bits = 0;
  for (const part of t.split('|')) {
    const p = part.trim();
    if (/^0x[0-9a-f]+$/i.test(p)) {
      bits |= parseInt(p, 16);
      continue;
    }
    const known = NAME_TO_BITS.get(p);
    if (known === undefined) return undefined;
    bits |= known;
  }
  return bits >>> 0;
}

/**
 * `gfpflags_allow_blocking()` — may an allocation with these flags sleep? True when
 * `__GFP_DIRECT_RECLAIM` is set: such an allocation may enter direct reclaim, so it is refused in
 * atomic context.
 *
 * **When to use**: in a helper that takes GFP flags and must decide at run time whether it may
 * block (take a sleeping lock, call `vmalloc`).
 *
 * **Gotchas**: this is the run-time test; at compile time the same fact is carried by
 * {@link Gfp}`<MaySleep>`. Anything but a `gfp_t` (an unsigned 32-bit integer) is
 * `INVALID_ARGUMENT`.
 *
 * @example
 * ```ts
 * import { gfpflagsAllowBlocking, GFP_KERNEL, GFP_ATOMIC, GFP_NOWAIT } from 'memdesc';
 * console.log(gfpflagsAllowBlocking(GFP_KERNEL)); // true
 * console.log(gfpflagsAllowBlocking(GFP_ATOMIC), gfpflagsAllowBlocking(GFP_NOWAIT)); // false false
 * ```
 */
export function gfpflagsAllowBlocking(gfp: number): boolean {
  checkGfpT(gfp, 'gfpflagsAllowBlocking');
  return (gfp & __GFP_DIRECT_RECLAIM) !== 0;
}

/**
 * `a | b | …` for GFP flags, keeping the may-sleep bit in the type: `gfp(GFP_ATOMIC, __GFP_ZERO)`
 * is a `Gfp<false>` and may be used under a spinlock; `gfp(GFP_KERNEL, __GFP_ZERO)` is a
 * `Gfp<true>`. (TypeScript types `a | b` as a plain `number`, which atomic contexts refuse.)
 *
 * **When to use**: whenever you combine flags for an allocation that may run under a spinlock, or
 * to keep a combination in a typed constant. In process context plain `|` works too.
 *
 * **Gotchas**: `GFP_ATOMIC | __GFP_ZERO` under a spinlock is a compile error (the `|` lost the
 * may-sleep bit), `gfp(GFP_ATOMIC, __GFP_ZERO)` is not. Only the `GFP_*` / `__GFP_*` constants (or
 * other `Gfp` values) are accepted: from plain JavaScript, anything that is not a combination of
 * the flags memdesc allocates with (NaN, a string, `2 ** 31`, an unknown bit) is `INVALID_ARGUMENT`
 * here, so `gfp()` never returns what an allocation would refuse.
 *
 * @example
 * ```ts
 * import { createMemory, spinLockInit, withSpinLock, allocPage, freePage, gfp, GFP_ATOMIC, __GFP_ZERO, __GFP_NOWARN, type AtomicContext } from 'memdesc';
 * const flags = gfp(GFP_ATOMIC, __GFP_ZERO, __GFP_NOWARN); // Gfp<false>
 * const mem = createMemory();
 * withSpinLock(spinLockInit(mem), (ctx) => {
 *   const p = allocPage(ctx, flags);
 *   if (p) freePage(p);
 * });
 * export function refused(ctx: AtomicContext) {
 *   // @ts-expect-error — `|` gives a plain number, which atomic context refuses
 *   return allocPage(ctx, GFP_ATOMIC | __GFP_ZERO);
 * }
 * ```
 * @see {@link Gfp}
 */
export function gfp<const Flags extends readonly Gfp[]>(...flags: Flags): Gfp<AnyMaySleep<Flags>> {
  let bits = 0;
  for (const f of flags as readonly unknown[]) {
    if (typeof f !== 'number' || f >>> 0 !== f || (f & ~GFP_VALID_MASK) !== 0) {
      invalidArgument('gfp', 'each flag must be a GFP_* / __GFP_* value (or a combination of them)', f);
    }
    bits |= f;
  }
  return bits as Gfp<AnyMaySleep<Flags>>;
}
