/** A message is allocated (helper in another module, GFP_KERNEL) before the queue's spinlock is taken; only the queueing is locked. */
import { spinLockInit, withSpinLock, type KmallocPtr, type Memory } from 'memdesc';
import { fillMsg, newMsg, releaseMsg } from '../lib/msg.js';

export function run(mem: Memory): void {
  const lock = spinLockInit(mem, 'txq');
  const queue: KmallocPtr[] = [];
  const msg = newMsg(mem, 64);
  withSpinLock(lock, () => {
    if (msg !== null) queue.push(msg);
  });
  for (const m of queue) {
    fillMsg(m, new Uint8Array([1]));
    releaseMsg(m);
  }
}
