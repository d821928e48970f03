/**
 * GFP flags at the type level: each constant remembers whether it may sleep, so a sleeping
 * allocation inside a spinlock is refused at compile time.
 *
 * @module
 */
import type { MsgBadContext, MsgMaySleep, MsgSleepInAtomic } from './messages.js';
import type { Checked } from './ownership.js';

declare const gfpSleeps: unique symbol;

/**
 * `gfp_t` — a GFP value whose type knows whether it may sleep (`__GFP_DIRECT_RECLAIM`, what
 * `gfpflags_allow_blocking()` tests). The `GFP_*` / `__GFP_*` constants carry it; {@link gfp}
 * keeps it when combining.
 *
 * **When to use**: as the type of a GFP parameter you pass on to an allocation; `Gfp<false>` for
 * one that must be usable under a spinlock.
 *
 * **Gotchas**: `a | b` is a plain `number` to TypeScript: accepted in process context, refused in
 * atomic context, where only a `Gfp<false>` passes (compile error {@link MsgSleepInAtomic}). At run
 * time a value with `__GFP_DIRECT_RECLAIM` under a spinlock is `SLEEP_IN_ATOMIC`, and a bit memdesc
 * does not know is `INVALID_ARGUMENT`.
 *
 * @example
 * ```ts
 * import { createMemory, spinLockInit, withSpinLock, allocPage, freePage, gfp, MmError, GFP_ATOMIC, GFP_KERNEL, __GFP_ZERO, type Gfp } from 'memdesc';
 * const mem = createMemory();
 * const atomicZero: Gfp<false> = gfp(GFP_ATOMIC, __GFP_ZERO);
 * withSpinLock(spinLockInit(mem), (ctx) => {
 *   const p = allocPage(ctx, atomicZero);
 *   if (p) freePage(p);
 *   try {
 *     // @ts-expect-error — GFP_KERNEL may sleep: not under a spinlock
 *     allocPage(ctx, GFP_KERNEL);
 *   } catch (e) {
 *     console.log((e as MmError).code); // "SLEEP_IN_ATOMIC"
 *   }
 * });
 * ```
 */
export type Gfp<MaySleep extends boolean = boolean> = number & {
  /** Phantom: whether the value may sleep (has `__GFP_DIRECT_RECLAIM`). */
  readonly [gfpSleeps]: MaySleep;
};

/**
 * `gfpflags_allow_blocking()` at the type level, over a list — `true` if any of a list of GFP
 * values may sleep; the result type of {@link gfp}.
 */
export type AnyMaySleep<Flags extends readonly number[]> = true extends {
  [K in keyof Flags]: Flags[K] extends Gfp<infer S> ? S : true;
}[number]
  ? true
  : false;

declare const atomicBrand: unique symbol;

/**
 * `in_atomic()` — the context of code holding a spinlock (`withSpinLock`'s callback argument):
 * allocations made with it may not sleep.
 *
 * **When to use**: pass it to an allocation made under the lock (`allocPage(ctx, GFP_ATOMIC)`), and
 * as the parameter type of helpers that run under a lock.
 *
 * **Gotchas**: a sleeping GFP value with it is a compile error, and so is `vmalloc(ctx, …)`
 * (vmalloc may sleep). It is dead once the callback returns: an allocation through a saved context
 * is `INVALID_ARGUMENT`. What the compiler cannot see — the outer `Memory` used inside the lock
 * with a sleeping GFP value, or `folioLock` under the lock — is `SLEEP_IN_ATOMIC` at run time.
 *
 * @example
 * ```ts
 * import { createMemory, spinLockInit, withSpinLock, kmalloc, kfree, GFP_ATOMIC, type AtomicContext } from 'memdesc';
 * function grab(ctx: AtomicContext) {
 *   return kmalloc(ctx, 128, GFP_ATOMIC);
 * }
 * const mem = createMemory();
 * const buf = withSpinLock(spinLockInit(mem), grab);
 * if (buf) kfree(buf);
 * ```
 */
export interface AtomicContext {
  /** Phantom: marks atomic context (a spinlock is held). */
  readonly [atomicBrand]: 'atomic context (spinlock held)';
}

/**
 * `gfp_t gfp_mask`, checked against `in_atomic()` — the `gfp` argument of an allocation made in
 * context `Ctx`: anything in process context (a `Memory`); only a `Gfp<false>` where the context
 * is, or may be, atomic — else the sentence {@link MsgSleepInAtomic}.
 */
export type GfpArg<Ctx, G extends number> = [Ctx] extends [
  {
    /** Phantom: process context, see {@link ProcessContextMark}. */
    readonly [processContext]: true;
  },
]
  ? G
  : Checked<G> extends Checked<Gfp<false>>
    ? G
    : MsgSleepInAtomic;

declare const processContext: unique symbol;

/** `!in_atomic()` — the mark of process context (a `Memory`): allocations with it may sleep. */
export interface ProcessContextMark {
  /** Phantom: marks process context (no spinlock held, may sleep). */
  readonly [processContext]: true;
}

/**
 * `in_atomic()` or not, checked — the context argument of an allocation: a `Memory` (process
 * context) or the `AtomicContext` `withSpinLock` hands its callback; anything else is refused with
 * {@link MsgBadContext}.
 */
export type CtxArg<Ctx> = Checked<Ctx> extends Checked<ProcessContextMark | AtomicContext> ? Ctx : MsgBadContext;

/**
 * `might_sleep()` at the type level — the context argument of a call that may sleep whatever its
 * arguments (`kmemCacheCreate`, `drainAllPages`): a `Memory` (process context), or for
 * the atomic context of `withSpinLock` (or a context that may be atomic) the sentence
 * {@link MsgMaySleep} naming the call.
 */
export type MaySleepCtx<Ctx, Fn extends string> = [Ctx] extends [ProcessContextMark] ? Ctx : MsgMaySleep<Fn>;
