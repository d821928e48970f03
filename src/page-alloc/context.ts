/**
 * `in_atomic()` — the context argument of every allocation: a `Memory` (process context, may
 * sleep) or an `AtomicContext` (inside `withSpinLock`, resolved through {@link atomicContextHook}
 * so that this layer does not import `src/sync`).
 *
 * @module
 */
import { MmError, describeValue } from '../debug/mm-error.js';
import { __GFP_DIRECT_RECLAIM } from './gfp.js';
import { atomicContextHook } from './hooks.js';
import { MemoryHandle, type MemoryImpl } from './memory.js';

/**
 * Resolves the context argument of an allocation to its machine, enforcing "no sleeping in atomic
 * context": `SLEEP_IN_ATOMIC` for a GFP value with `__GFP_DIRECT_RECLAIM` under a spinlock (through
 * the atomic context, or the outer Memory used inside `withSpinLock`).
 */
export function contextMemory(ctx: unknown, gfp: number, fn: string): MemoryImpl {
  let mem = MemoryHandle.impl(ctx);
  if (mem === undefined) {
    const atomic = atomicContextHook.fn;
    mem = atomic === null ? undefined : atomic(ctx, fn);
    if (mem === undefined) throw new MmError('INVALID_ARGUMENT', `${fn}(): expected a Memory or an AtomicContext, got ${describeValue(ctx)}`);
  }
  if (mem.atomicDepth > 0 && gfp & __GFP_DIRECT_RECLAIM) throw sleepInAtomic(mem, fn);
  return mem;
}

function sleepInAtomic(mem: MemoryImpl, fn: string): MmError {
  const msg =
    `BUG: sleeping function called from invalid context at mm/page_alloc.c (${fn})\n` +
    `in_atomic(): 1, irqs_disabled(): 0, non_block: 0, pid: 1, name: ${mem.comm}\n` +
    `preempt_count: ${mem.atomicDepth}, expected: 0 (a spinlock is held; use GFP_ATOMIC or GFP_NOWAIT)`;
  mem.logOnly(msg);
  return new MmError('SLEEP_IN_ATOMIC', msg);
}

/**
 * `might_sleep()`: `SLEEP_IN_ATOMIC` if a spinlock of `mem` is held. For the calls that may sleep
 * whatever their arguments (`vfree`, `kmem_cache_create`, `kmem_cache_destroy`,
 * `drain_all_pages`); `file` is where the kernel's `might_sleep()` sits.
 */
export function mightSleep(mem: MemoryImpl, fn: string, file = 'mm/page_alloc.c'): void {
  if (mem.atomicDepth > 0) {
    const msg =
      `BUG: sleeping function called from invalid context at ${file} (${fn})\n` +
      `in_atomic(): 1, irqs_disabled(): 0, non_block: 0, pid: 1, name: ${mem.comm}\n` +
      `preempt_count: ${mem.atomicDepth}, expected: 0 (a spinlock is held; ${fn}() may sleep: call it outside withSpinLock)`;
    mem.logOnly(msg);
    throw new MmError('SLEEP_IN_ATOMIC', msg);
  }
}
