import { spinLockInit, withSpinLock, kmalloc, kfree, GFP_KERNEL, type Memory, type KmallocPtr } from 'memdesc';
import { ZramStore } from '../lib/zram.js';

function allocStat(mem: Memory): KmallocPtr | null {
  return kmalloc(mem, 48, GFP_KERNEL);
}

export function run(mem: Memory): void {
  const zram = new ZramStore(mem);
  const tableLock = spinLockInit(mem, 'zram_table');
  zram.store(0, new Uint8Array(20));
  const stats: (KmallocPtr | null)[] = [];
  const n = withSpinLock(tableLock, () => zram.slots().filter((s) => zram.lookup(s)).length);
  for (let i = 0; i < n; i++) stats.push(allocStat(mem));
  for (const st of stats) if (st) kfree(st);
  zram.destroy();
}
