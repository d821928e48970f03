/**
 * GFP flags at the type level: each constant remembers whether it may sleep, so a sleeping
 * allocation inside a spinlock is refused at compile time.
 *
 * @module
 */
import type { MsgSleepInAtomic } from './messages.js';

declare const gfpSleeps: unique symbol;

/**
 * A GFP value whose type knows whether it may sleep (`__GFP_DIRECT_RECLAIM`). The constants carry
 * it; `gfp(a, b, …)` keeps it when combining. A plain `number` (what `a | b` gives) is accepted in
 * process context and refused in atomic context, where only `Gfp<false>` passes.
 */
export type Gfp<MaySleep extends boolean = boolean> = number & { readonly [gfpSleeps]: MaySleep };

/** Whether any of a list of GFP values may sleep. */
export type AnyMaySleep<Flags extends readonly number[]> = true extends {
  [K in keyof Flags]: Flags[K] extends Gfp<infer S> ? S : true;
}[number]
  ? true
  : false;

declare const atomicBrand: unique symbol;

/**
 * The context of code holding a spinlock (`withSpinLock`'s callback argument): allocations made
 * with it may not sleep.
 */
export interface AtomicContext {
  readonly [atomicBrand]: 'atomic context (spinlock held)';
}

/**
 * The `gfp` argument of an allocation made in context `Ctx`: anything in process context (a
 * `Memory`); only a `Gfp<false>` where the context is, or may be, atomic.
 */
export type GfpArg<Ctx, G extends number> = [Ctx] extends [{ readonly [processContext]: true }]
  ? G
  : [G] extends [Gfp<false>]
    ? G
    : MsgSleepInAtomic;

declare const processContext: unique symbol;

/** The mark of process context (a `Memory`): allocations made with it may sleep. */
export interface ProcessContextMark {
  readonly [processContext]: true;
}
