// Allocation under a spinlock done right: GFP_ATOMIC through the lock's context, the batch
// handed out of the critical section and released in process context.
import { allocPage, freePage, kmalloc, kfree, gfp, spinLockInit, withSpinLock, GFP_ATOMIC, __GFP_NOWARN, type Memory, type Owned, type Page } from 'memdesc';

export function run(mem: Memory): void {
  const lock = spinLockInit(mem, 'pcp.lock');
  const batch = withSpinLock(lock, (ctx) => {
    const pages: Owned<Page<0>>[] = [];
    for (let i = 0; i < 4; i++) {
      const p = allocPage(ctx, gfp(GFP_ATOMIC, __GFP_NOWARN));
      if (p === null) break;
      pages.push(p);
    }
    return pages;
  });
  const note = withSpinLock(lock, (ctx) => kmalloc(ctx, 64, GFP_ATOMIC));
  for (const p of batch.splice(0)) freePage(p);
  if (note !== null) kfree(note);
}
