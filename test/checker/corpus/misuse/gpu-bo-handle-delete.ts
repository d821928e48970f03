/**
 * GEM_CLOSE removes the handle from the table but never closes the BO.
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
    const bo = GpuBo.create(mem, h); // expect: leak
    if (bo !== null) table.set(h, bo);
  }
  table.delete(2); // expect-also: leak
  for (const bo of table.values()) bo.close();
  table.clear();
}
