/**
 * A tx completion builds a pause frame under the tx lock with alloc_skb(GFP_KERNEL).
 *
 * Kernel: flow-control frames are built in tx completion, under the tx queue lock.
 * Protocol: alloc_skb(GFP_KERNEL) is process context only; under the lock the driver
 * uses netdev_alloc_skb (GFP_ATOMIC) through the AtomicContext it was given.
 */
import { spinLockInit, withSpinLock, type Memory } from 'memdesc';
import { allocSkb, devQueueXmit, skbPutData, type SkBuff } from '../lib/skb.js';

function buildPause(mem: Memory): SkBuff | null {
  const skb = allocSkb(mem, 0x8808); // expect-also: sleep-in-atomic
  if (skb !== null) skbPutData(skb, new Uint8Array([0x00, 0x01, 0xff, 0xff]));
  return skb;
}

export function run(mem: Memory): void {
  const txLock = spinLockInit(mem, 'tx_lock');
  const wire: Uint8Array[] = [];
  withSpinLock(txLock, () => {
    const pause = buildPause(mem); // expect: sleep-in-atomic
    if (pause !== null) devQueueXmit(pause, wire);
  });
}
