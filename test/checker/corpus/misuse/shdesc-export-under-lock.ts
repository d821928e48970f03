/**
 * A dma-buf is allocated for export while the exporter's list lock is held (memdescAlloc with GFP_KERNEL).
 *
 * Kernel: the exporter's list of dma-bufs is protected by a spinlock.
 * Protocol: memdescAlloc(GFP_KERNEL) may sleep; buffers are allocated and exported
 * before the list lock is taken, and only linked under it.
 */
import { memdescPut, spinLockInit, withSpinLock, type ARef, type Memory } from 'memdesc';
import { allocDmaBuf, exportDmaBuf, type DmaBuf } from '../lib/shdesc.js';

function newExport(mem: Memory): ARef<DmaBuf> | null {
  const owned = allocDmaBuf(mem); // expect-also: sleep-in-atomic
  return owned === null ? null : exportDmaBuf(owned);
}

export function run(mem: Memory): void {
  const listLock = spinLockInit(mem, 'dmabuf_list_lock');
  const exports: ARef<DmaBuf>[] = [];
  withSpinLock(listLock, () => {
    const buf = newExport(mem); // expect: sleep-in-atomic
    if (buf !== null) exports.push(buf);
  });
  for (const b of exports.splice(0)) memdescPut(b);
}
