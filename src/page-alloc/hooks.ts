/**
 * What the layers above the page allocator install so that it need not import them — layers
 * import downward only. Each hook is a slot filled when its layer's module loads (the package entry
 * point loads them all):
 * - {@link reclaimHook}: direct reclaim, from `src/reclaim/vmscan.ts`;
 * - {@link verifyHook}: the full consistency check of `debug: 'paranoid'`, from `src/debug/verify.ts`;
 * - {@link atomicContextHook}: resolving an `AtomicContext`, from `src/sync/spinlock.ts`.
 *
 * @module
 */
import type { MemoryImpl } from './memory.js';

/** Direct reclaim (`try_to_free_pages()`): returns the pages it freed. */
export const reclaimHook: { fn: ((mem: MemoryImpl, gfp: number, order: number) => number) | null } = { fn: null };

/** `debug: 'paranoid'`'s check of the whole allocator after a call: throws if it is inconsistent. */
export const verifyHook: { fn: ((mem: MemoryImpl) => void) | null } = { fn: null };

/**
 * The machine of a live `AtomicContext`; `undefined` for anything that is not one; throws
 * `INVALID_ARGUMENT` for a context whose lock was released.
 */
export const atomicContextHook: { fn: ((ctx: unknown, fn: string) => MemoryImpl | undefined) | null } = { fn: null };

/** After a call on a `debug: 'paranoid'` machine: the whole allocator must still be consistent. */
export function paranoidCheck(mem: MemoryImpl): void {
  const verify = verifyHook.fn;
  if (verify === null) throw new Error("memdesc: debug: 'paranoid' needs src/debug/verify.js loaded (the package entry point loads it)");
  verify(mem);
}
