// KMS atomic commit: under the commit spinlock the driver picks a staging buffer for each plane
// from its free list, and creates a new shadow object when the list is empty -- vmalloc()
// under a spinlock.
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
    withSpinLock(commitLock, () => {
      const staging = freeStaging.pop() ?? mgr.create(mem, STAGING_SIZE, 'shadow'); // expect: sleep-in-atomic
      inFlight.set(plane, staging);
    });
  }
  for (const [plane, bo] of inFlight) if (bo !== null) boWrite(bo, 0, new TextEncoder().encode(plane));
  mgr.close();
}
