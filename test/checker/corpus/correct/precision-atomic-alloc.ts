/** Under a spinlock: allocations through the atomic context with GFP_ATOMIC and gfp(GFP_NOWAIT, …), and folio_trylock. */
import {
  allocPage,
  folioAlloc,
  folioPut,
  folioTrylock,
  folioUnlock,
  freePage,
  gfp,
  kfree,
  kmalloc,
  spinLockInit,
  withSpinLock,
  writeRaw,
  GFP_ATOMIC,
  GFP_KERNEL,
  GFP_NOWAIT,
  __GFP_NOWARN,
  __GFP_ZERO,
  type Memory,
} from 'memdesc';

export function run(mem: Memory): void {
  const lock = spinLockInit(mem, 'irq');
  const folio = folioAlloc(mem, GFP_KERNEL, 0);
  const got = withSpinLock(lock, (ctx) => {
    const page = allocPage(ctx, GFP_ATOMIC);
    const msg = kmalloc(ctx, 32, gfp(GFP_NOWAIT, __GFP_ZERO, __GFP_NOWARN));
    if (folio !== null) {
      const locked = folioTrylock(folio);
      if (locked !== null) {
        writeRaw(locked, new Uint8Array([1]), 0);
        folioUnlock(locked);
      }
    }
    return { page, msg };
  });
  if (got.page !== null) freePage(got.page);
  if (got.msg !== null) kfree(got.msg);
  if (folio !== null) folioPut(folio);
}
