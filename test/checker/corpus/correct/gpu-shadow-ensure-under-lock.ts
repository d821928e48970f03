/** The shadow is ensured (vmalloc, may sleep) before the context's spinlock is taken. */
import { spinLockInit, vfree, withSpinLock, type Memory, type VmallocArea } from 'memdesc';
import { allocShadow } from '../lib/gpu-bo.js';

interface GpuCtx {
  shadow: VmallocArea | null;
  submits: number;
}

function ensureShadow(mem: Memory, ctx: GpuCtx): boolean {
  if (ctx.shadow === null) ctx.shadow = allocShadow(mem, 4 * 4096);
  return ctx.shadow !== null;
}

function prepareSubmit(mem: Memory, ctx: GpuCtx): boolean {
  return ensureShadow(mem, ctx);
}

export function run(mem: Memory): void {
  const lock = spinLockInit(mem, 'gpu_ctx_lock');
  const ctx: GpuCtx = { shadow: null, submits: 0 };
  if (prepareSubmit(mem, ctx)) withSpinLock(lock, () => ctx.submits++);
  if (ctx.shadow !== null) vfree(ctx.shadow);
}
