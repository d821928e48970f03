// execbuf: every buffer object a batch references is pinned while the batch is queued on the
// ring; the ring's submission list is protected by a spinlock, so the objects are pinned (which
// may allocate their pages and sleep) before the lock is taken.
import { spinLockInit, withSpinLock, type Memory } from 'memdesc';
import { GemManager, gemRead, type GemObject } from '../lib/gem.js';

interface Batch {
  seqno: number;
  objects: GemObject[];
}

export function run(mem: Memory): number {
  const mgr = new GemManager(mem);
  const ringLock = spinLockInit(mem, 'ring->lock');
  const queued: Batch[] = [];
  const bo = [mgr.create(2), mgr.create(1), mgr.create(4)];
  let seqno = 1;

  const batch: Batch = { seqno: seqno++, objects: [] };
  let ok = true;
  for (const obj of bo) {
    if (!mgr.pin(obj)) {
      for (const p of batch.objects) mgr.unpin(p);
      ok = false;
      break;
    }
    batch.objects.push(obj);
  }
  if (ok) withSpinLock(ringLock, () => queued.push(batch));

  // retire: the GPU is done with the batch
  let sum = 0;
  if (ok) {
    for (const batch of queued.splice(0)) {
      for (const obj of batch.objects) {
        sum += gemRead(obj, 0, 1)[0] ?? 0;
        mgr.unpin(obj);
      }
    }
  }
  mgr.destroy();
  return sum;
}
