/**
 * A flush request's bio is allocated first; only the queue insertion happens under the queue lock.
 *
 * Kernel: blk_insert_flush() and friends run under q->queue_lock (a spinlock).
 * Protocol: anything that may enter reclaim — GFP_NOIO included — is allocated before
 * the lock is taken; the lock only protects the list insertion.
 * RequestQueue.run() completes the flush and frees its bio.
 */
import { spinLockInit, withSpinLock, type Memory } from 'memdesc';
import { bioAlloc, RequestQueue } from '../lib/blkq.js';

export async function run(mem: Memory): Promise<void> {
  const q = new RequestQueue();
  const queueLock = spinLockInit(mem, 'queue_lock');
  const flush = bioAlloc(mem, 0, 1);
  withSpinLock(queueLock, () => {
    if (flush !== null) q.add({ tag: 99, bios: [flush] });
  });
  await q.run();
}
