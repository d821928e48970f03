/**
 * The command submitter uploads a BO's contents while holding the ring's spinlock: folio_lock() may sleep.
 *
 * Kernel: the GPU ring's submission lock is a spinlock; folio_lock() sleeps on PG_locked.
 * Protocol: uploads that take the folio lock happen before the ring lock is taken;
 * under the ring lock only the seqno and the ring pointer change.
 */
import { spinLockInit, withSpinLock, type Memory } from 'memdesc';
import { GpuBo, boUpload } from '../lib/gpu-bo.js';

export function run(mem: Memory): void {
  const bo = GpuBo.create(mem, 9);
  if (bo === null) return;
  const ringLock = spinLockInit(mem, 'gpu_ring_lock');
  let seqno = 0;
  withSpinLock(ringLock, () => {
    boUpload(bo.backing, new Uint8Array([1, 2, 3, 4]), 0); // expect: sleep-in-atomic
    seqno++;
  });
  bo.close();
  if (seqno !== 1) throw new Error('no submission');
}
