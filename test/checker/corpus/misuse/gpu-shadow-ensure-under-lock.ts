/** Two same-file helper levels reach vmalloc() from inside the context's spinlock. */
import { spinLockInit, vfree, withSpinLock, type Memory, type VmallocArea } from 'memdesc';
import { allocShadow } from '../lib/gpu-bo.js';

interface GpuCtx {
  shadow: VmallocArea | null;
}

function ensureShadow(mem: Memory, ctx: GpuCtx): boolean {
  if (ctx.shadow === null) ctx.shadow = allocShadow(mem, 4 * 4096); // expect-also: sleep-in-atomic
  return ctx.shadow !== null;
}

function prepareSubmit(mem: Memory, ctx: GpuCtx): boolean {
  return ensureShadow(mem, ctx);
}

export function run(mem: Memory): void {
  const lock = spinLockInit(mem, 'gpu_ctx_lock');
  const ctx: GpuCtx = { shadow: null };
  withSpinLock(lock, () => prepareSubmit(mem, ctx)); // expect: sleep-in-atomic
  if (ctx.shadow !== null) vfree(ctx.shadow);
}
