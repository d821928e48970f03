/** Two helper levels: under the device lock, `ensureLog` calls `allocLogArea`, which vmallocs (vmalloc may sleep). */
import { spinLockInit, vfree, vmalloc, withSpinLock, writeRaw, type Memory, type SpinLock, type VmallocArea } from 'memdesc';

interface Dev {
  readonly mem: Memory;
  readonly lock: SpinLock;
  log: VmallocArea | null;
}

function allocLogArea(mem: Memory): VmallocArea | null {
  return vmalloc(mem, 16384); // expect-also: sleep-in-atomic
}

function ensureLog(dev: Dev): void {
  if (dev.log === null) dev.log = allocLogArea(dev.mem);
}

export function run(mem: Memory): void {
  const dev: Dev = { mem, lock: spinLockInit(mem, 'dev'), log: null };
  withSpinLock(dev.lock, () => {
    ensureLog(dev); // expect: sleep-in-atomic
    if (dev.log !== null) writeRaw(dev.log, new Uint8Array([0x4c]), 0);
  });
  if (dev.log !== null) vfree(dev.log);
  dev.log = null;
}
