// KMS atomic commit: under the commit spinlock the driver picks a staging buffer for each plane
// from its free list. The spare shadow object is created before the lock is taken, and given
// back if the free list had one.
import { spinLockInit, withSpinLock, PAGE_SIZE, type Memory } from 'memdesc';
import { BoManager, boWrite, type BufferObject } from '../lib/bo.js';

const STAGING_SIZE = 4 * PAGE_SIZE;

export function run(mem: Memory): void {
  const mgr = new BoManager(mem);
  const commitLock = spinLockInit(mem, 'commit_lock');
  const freeStaging: BufferObject[] = [];
  const first = mgr.create(mem, STAGING_SIZE, 'shadow');
  if (first === null) throw new Error('ENOMEM');
  freeStaging.push(first);

  const planes = ['primary', 'overlay'];
  const inFlight = new Map<string, BufferObject | null>();
  for (const plane of planes) {
    const spare = mgr.create(mem, STAGING_SIZE, 'shadow');
    const usedSpare = withSpinLock(commitLock, () => {
      const staging = freeStaging.pop() ?? spare;
      inFlight.set(plane, staging);
      return staging === spare;
    });
    if (!usedSpare && spare !== null) mgr.destroy(spare);
  }
  for (const [plane, bo] of inFlight) if (bo !== null) boWrite(bo, 0, new TextEncoder().encode(plane));
  mgr.close();
}
