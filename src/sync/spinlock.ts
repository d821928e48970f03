/**
 * `spinlock_t` and atomic context (include/linux/spinlock.h). Code inside `withSpinLock` runs in
 * atomic context: it may not sleep, so it may not make an allocation that can reclaim.
 *
 * @module
 */
import { MmError, invalidArgument } from '../debug/mm-error.js';
import { atomicContextHook } from '../page-alloc/hooks.js';
import { asMemory, type MemoryImpl } from '../page-alloc/memory.js';
import type { Memory } from '../page-alloc/page-alloc.js';
import type { AtomicContext } from '../types/gfp.js';

export type { AtomicContext } from '../types/gfp.js';

declare const spinLockBrand: unique symbol;

/**
 * `spinlock_t` — made by {@link spinLockInit}, taken by {@link withSpinLock}. Holding it puts the
 * holder in atomic context: no sleeping, so no allocation that may reclaim.
 *
 * **When to use**: to model kernel code that allocates under a lock (Binder's `alloc->lock`, a
 * driver's list lock), so the compiler checks its GFP flags.
 *
 * **Gotchas**: there is one task: taking a lock already held is a deadlock in the kernel and
 * `INVALID_ARGUMENT` here. A hand-made object is not a lock (`INVALID_ARGUMENT`).
 *
 * @example
 * ```ts
 * import { createMemory, spinLockInit, withSpinLock, type SpinLock } from 'memdesc';
 * const mem = createMemory();
 * const lock: SpinLock = spinLockInit(mem, 'binder_alloc.lock');
 * withSpinLock(lock, () => {
 *   // critical section: atomic context
 * });
 * ```
 */
export interface SpinLock {
  /** Phantom: marks a `spinlock_t` made by `spinLockInit`. */
  readonly [spinLockBrand]: 'spinlock_t';
}

class SpinLockImpl {
  readonly #mem: MemoryImpl;
  #held = false;
  readonly name: string;
  constructor(mem: MemoryImpl, name: string) {
    this.#mem = mem;
    this.name = name;
  }
  static is(x: unknown): x is SpinLockImpl {
    return typeof x === 'object' && x !== null && #held in x;
  }
  static mem(l: SpinLockImpl): MemoryImpl {
    return l.#mem;
  }
  static held(l: SpinLockImpl): boolean {
    return l.#held;
  }
  static setHeld(l: SpinLockImpl, v: boolean): void {
    l.#held = v;
  }
}

/** The runtime side of an {@link AtomicContext}: valid only while its lock is held. */
export class AtomicContextImpl {
  readonly #mem: MemoryImpl;
  #live = true;
  constructor(mem: MemoryImpl) {
    this.#mem = mem;
  }
  static is(x: unknown): x is AtomicContextImpl {
    return typeof x === 'object' && x !== null && #live in x;
  }
  static mem(c: AtomicContextImpl): MemoryImpl {
    return c.#mem;
  }
  static live(c: AtomicContextImpl): boolean {
    return c.#live;
  }
  static end(c: AtomicContextImpl): void {
    c.#live = false;
  }
}

/**
 * `spin_lock_init()` — a spinlock of machine `mem`, named for reports (lockdep's class name).
 *
 * **When to use**: once per lock your simulated code holds; keep it next to the data it protects.
 *
 * **Gotchas**: a non-`Memory` argument or a non-string name is `INVALID_ARGUMENT`.
 *
 * @example
 * ```ts
 * import { createMemory, spinLockInit } from 'memdesc';
 * const lock = spinLockInit(createMemory(), 'binder_alloc.lock');
 * ```
 * @see {@link withSpinLock}
 */
export function spinLockInit(mem: Memory, name = 'lock'): SpinLock {
  const m = asMemory(mem, 'spinLockInit');
  if (typeof name !== 'string') invalidArgument('spinLockInit', 'name must be a string', name);
  return new SpinLockImpl(m, name) as unknown as SpinLock;
}

/**
 * `spin_lock()` … `spin_unlock()` — runs `fn` holding `lock`, with an {@link AtomicContext} to
 * allocate with: inside, only allocations that cannot sleep (`GFP_ATOMIC`, `GFP_NOWAIT`) are
 * allowed. Returns what `fn` returns; the lock is released even if `fn` throws.
 *
 * **When to use**: around code that the kernel runs under a spinlock, so that its allocations are
 * checked for atomic context; allocate with the callback's `ctx`, not with the outer `Memory`.
 *
 * **Gotchas**: a sleeping GFP value with the atomic context is a compile error; at run time (a
 * cast, or the outer `Memory` used inside the lock) it is `SLEEP_IN_ATOMIC`, as are `folioLock`
 * and `vmalloc` inside the lock. Taking a lock already held is a deadlock in the kernel; here it is
 * `INVALID_ARGUMENT`. The context is dead once `fn` returns (`INVALID_ARGUMENT` if a saved one is
 * used). An `async` callback, or one that returns a promise, is `SLEEP_IN_ATOMIC`: an `await`
 * inside the lock would sleep with it held (an async function is refused before it runs, as
 * `might_sleep()` refuses a function that may sleep whether or not it does this time).
 *
 * @example
 * ```ts
 * import { createMemory, spinLockInit, withSpinLock, allocPage, freePage, MmError, GFP_ATOMIC, GFP_KERNEL } from 'memdesc';
 * const mem = createMemory();
 * const lock = spinLockInit(mem);
 * const page = withSpinLock(lock, (ctx) => {
 *   try {
 *     // @ts-expect-error — GFP_KERNEL may sleep: refused under a spinlock
 *     allocPage(ctx, GFP_KERNEL);
 *   } catch (e) {
 *     console.log((e as MmError).code); // "SLEEP_IN_ATOMIC"
 *   }
 *   return allocPage(ctx, GFP_ATOMIC);
 * });
 * if (page) freePage(page);
 * ```
 * @see {@link spinIsLocked}
 */
export function withSpinLock<R>(lock: SpinLock, fn: (ctx: AtomicContext) => R): R {
  if (!SpinLockImpl.is(lock)) invalidArgument('withSpinLock', 'expected a SpinLock from spinLockInit()', lock);
  if (typeof fn !== 'function') invalidArgument('withSpinLock', 'fn must be a function', fn);
  const l = lock;
  const mem = SpinLockImpl.mem(l);
  if (SpinLockImpl.held(l)) {
    throw new MmError('INVALID_ARGUMENT', `BUG: spinlock recursion on CPU#0, ${mem.comm}: lock ${l.name} is already held`);
  }
  // might_sleep(): an async critical section may suspend at any await with the lock held, so it
  // is refused before it runs, as CONFIG_DEBUG_ATOMIC_SLEEP refuses a function that may sleep
  // whether or not it sleeps this time.
  if (isAsyncFunction(fn)) throw asyncCriticalSection(mem, l.name, 'is an async function');
  const ctx = new AtomicContextImpl(mem);
  SpinLockImpl.setHeld(l, true);
  mem.atomicDepth++;
  let result: R;
  try {
    result = fn(ctx as unknown as AtomicContext);
  } finally {
    AtomicContextImpl.end(ctx);
    mem.atomicDepth--;
    SpinLockImpl.setHeld(l, false);
  }
  if (isPromise(result)) {
    // A plain function that returned a promise: its continuation runs after the unlock, with a dead
    // context. Observe the promise so that its own failure is logged, not an unhandled rejection.
    result.then(undefined, (e: unknown) => mem.logOnly(`withSpinLock(${l.name}): the promise returned under the lock rejected: ${String(e)}`));
    throw asyncCriticalSection(mem, l.name, 'returned a promise');
  }
  return result;
}

const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as unknown;
const AsyncGeneratorFunction = Object.getPrototypeOf(async function* () {}).constructor as unknown;

/** Whether `fn` is an `async` function (read without running any of the caller's code but a Proxy trap, which is caught). */
function isAsyncFunction(fn: unknown): boolean {
  try {
    return fn instanceof (AsyncFunction as FunctionConstructor) || fn instanceof (AsyncGeneratorFunction as FunctionConstructor);
  } catch {
    return false;
  }
}

function isPromise(x: unknown): x is Promise<unknown> {
  try {
    return x instanceof Promise;
  } catch {
    return false;
  }
}

function asyncCriticalSection(mem: MemoryImpl, lock: string, what: string): MmError {
  const msg =
    `BUG: sleeping function called from invalid context at include/linux/spinlock.h (withSpinLock)\n` +
    `in_atomic(): 1, irqs_disabled(): 0, non_block: 0, pid: 1, name: ${mem.comm}\n` +
    `the critical section of ${lock} ${what}: an await would sleep with the spinlock held; ` +
    'keep the critical section synchronous and await outside withSpinLock';
  mem.logOnly(msg);
  return new MmError('SLEEP_IN_ATOMIC', msg);
}

/**
 * `spin_is_locked()` — whether the lock is held. In memdesc's single task this is what a
 * `spin_trylock()` would learn: a holder further up the call stack (a shrinker called from an
 * allocation made under the lock, say) must back off rather than deadlock.
 *
 * **When to use**: in a shrinker's `scanObjects` that needs a lock its caller may already hold:
 * return `SHRINK_STOP` when it is taken, as the kernel's `spin_trylock()` failure path does.
 *
 * **Gotchas**: a hand-made object is `INVALID_ARGUMENT`.
 *
 * @example
 * ```ts
 * import { createMemory, spinLockInit, withSpinLock, spinIsLocked } from 'memdesc';
 * const lock = spinLockInit(createMemory());
 * withSpinLock(lock, () => console.log(spinIsLocked(lock))); // true
 * console.log(spinIsLocked(lock)); // false
 * ```
 */
export function spinIsLocked(lock: SpinLock): boolean {
  if (!SpinLockImpl.is(lock)) invalidArgument('spinIsLocked', 'expected a SpinLock from spinLockInit()', lock);
  return SpinLockImpl.held(lock);
}

// The page allocator resolves its context argument itself (src/page-alloc/context.ts) and asks
// this layer only what an AtomicContext is: the hook keeps src/page-alloc from importing src/sync.
atomicContextHook.fn = (ctx: unknown, fn: string): MemoryImpl | undefined => {
  if (!AtomicContextImpl.is(ctx)) return undefined;
  if (!AtomicContextImpl.live(ctx)) {
    throw new MmError('INVALID_ARGUMENT', `${fn}(): this atomic context ended with its spin_unlock(); allocate with a live one`);
  }
  return AtomicContextImpl.mem(ctx);
};

/** See `src/page-alloc/context.ts` (re-exported here for the layers that import them from `src/sync`). */
export { contextMemory, mightSleep } from '../page-alloc/context.js';
