/**
 * A dma-buf is allocated for export first; only the list insertion happens under the lock.
 *
 * Kernel: the exporter's list of dma-bufs is protected by a spinlock.
 * Protocol: memdescAlloc(GFP_KERNEL) may sleep; buffers are allocated and exported
 * before the list lock is taken, and only linked under it.
 */
import { memdescPut, spinLockInit, withSpinLock, type ARef, type Memory } from 'memdesc';
import { allocDmaBuf, exportDmaBuf, type DmaBuf } from '../lib/shdesc.js';

function newExport(mem: Memory): ARef<DmaBuf> | null {
  const owned = allocDmaBuf(mem);
  return owned === null ? null : exportDmaBuf(owned);
}

export function run(mem: Memory): void {
  const listLock = spinLockInit(mem, 'dmabuf_list_lock');
  const exports: ARef<DmaBuf>[] = [];
  const buf = newExport(mem);
  withSpinLock(listLock, () => {
    if (buf !== null) exports.push(buf);
  });
  for (const b of exports.splice(0)) memdescPut(b);
}
