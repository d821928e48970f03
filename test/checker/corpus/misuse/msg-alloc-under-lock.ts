/** A message is allocated (helper in another module, GFP_KERNEL) while the queue's spinlock is held. */
import { spinLockInit, withSpinLock, type KmallocPtr, type Memory } from 'memdesc';
import { fillMsg, newMsg, releaseMsg } from '../lib/msg.js';

export function run(mem: Memory): void {
  const lock = spinLockInit(mem, 'txq');
  const queue: KmallocPtr[] = [];
  withSpinLock(lock, () => {
    const msg = newMsg(mem, 64); // expect: sleep-in-atomic
    if (msg !== null) queue.push(msg);
  });
  for (const msg of queue) {
    fillMsg(msg, new Uint8Array([1]));
    releaseMsg(msg);
  }
}
