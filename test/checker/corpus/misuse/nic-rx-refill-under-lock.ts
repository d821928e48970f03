/**
 * NAPI poll refills the rx ring under the ring lock with the process-context refill (GFP_KERNEL).
 *
 * Kernel: rx refill from NAPI context runs with the ring lock held (softirq, atomic).
 * Protocol: ring.refill(mem) is the ndo_open path (GFP_KERNEL); under the lock only
 * ring.refillAtomic(ctx) (GFP_ATOMIC) may be used.
 */
import { spinLockInit, withSpinLock, type Memory } from 'memdesc';
import { RxRing, rxRecycle } from '../lib/nic-ring.js';

export function run(mem: Memory): void {
  const ring = new RxRing(8);
  const ringLock = spinLockInit(mem, 'rx_ring_lock');
  ring.refill(mem); // ndo_open
  const p = ring.take(3); // a frame consumed by the stack
  if (p !== null) rxRecycle(p);
  withSpinLock(ringLock, () => {
    ring.refill(mem); // expect: sleep-in-atomic
  });
  ring.close();
}
