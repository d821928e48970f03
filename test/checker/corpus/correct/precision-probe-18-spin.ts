import { spinLockInit, withSpinLock, allocPage, freePage, kmalloc, kfree, GFP_ATOMIC, GFP_KERNEL, GFP_NOWAIT, type Memory, type AtomicContext, type Owned, type Page } from 'memdesc';

function grab(ctx: AtomicContext): Owned<Page<0>> | null {
  return allocPage(ctx, GFP_ATOMIC);
}

export function run(mem: Memory): void {
  const lock = spinLockInit(mem);
  const stash: Owned<Page<0>>[] = [];
  withSpinLock(lock, (ctx) => {
    const p = grab(ctx);
    if (p) stash.push(p);
    const k = kmalloc(ctx, 16, GFP_NOWAIT);
    if (k) kfree(k);
  });
  const big = allocPage(mem, GFP_KERNEL);
  if (big) stash.push(big);
  for (const p of stash) freePage(p);
}
