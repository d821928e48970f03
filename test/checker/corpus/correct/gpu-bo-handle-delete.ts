/**
 * GEM_CLOSE removes the handle from the table and closes the BO it named.
 *
 * Kernel: the DRM file's handle idr maps handles to GEM objects; GEM_CLOSE removes one.
 * Protocol: the table owns the BOs it maps: removing an entry must close the BO,
 * and the file's release closes whatever is still in the table.
 */
import { type Memory } from 'memdesc';
import { GpuBo } from '../lib/gpu-bo.js';

export function run(mem: Memory): void {
  const table = new Map<number, GpuBo>();
  for (const h of [1, 2, 3]) {
    const bo = GpuBo.create(mem, h);
    if (bo !== null) table.set(h, bo);
  }
  const closing = table.get(2);
  table.delete(2);
  closing?.close();
  for (const bo of table.values()) bo.close();
  table.clear();
}
