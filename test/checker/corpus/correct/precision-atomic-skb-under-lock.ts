/**
 * Allocations under the tx lock go through helpers that take the AtomicContext and use GFP_ATOMIC.
 *
 * Kernel: tx metadata allocated in the xmit path, under the tx lock.
 * Protocol: helpers that receive the AtomicContext allocate with GFP_ATOMIC or GFP_NOWAIT;
 * kfree() never sleeps and is fine under the lock.
 */
import { kfree, kmalloc, spinLockInit, withSpinLock, GFP_NOWAIT, type AllocContext, type Memory } from 'memdesc';
import { allocSkbAtomic, kfreeSkb } from '../lib/skb.js';

function allocTxMeta(ctx: AllocContext) {
  return kmalloc(ctx, 64, GFP_NOWAIT);
}

export function run(mem: Memory): void {
  const txLock = spinLockInit(mem, 'tx_lock');
  withSpinLock(txLock, (ctx) => {
    const skb = allocSkbAtomic(ctx, 0x0800);
    const meta = allocTxMeta(ctx);
    if (meta !== null) kfree(meta);
    if (skb !== null) kfreeSkb(skb); // freeing never sleeps
  });
}
