/**
 * A GEM close races the readback: the backing folio is read through a reference lent before close().
 *
 * Kernel: drm_gem_object with shmem/folio backing; GEM_CLOSE drops the handle's reference.
 * Protocol: GpuBo.backing lends the BO's own folio reference; it is valid only until
 * close() puts it (a caller that needs longer takes a pin with folioGet).
 * boUpload() takes and releases the folio lock around the copy.
 */
import { type Memory } from 'memdesc';
import { GpuBo, boReadByte, boUpload } from '../lib/gpu-bo.js';

export function run(mem: Memory): void {
  const bo = GpuBo.create(mem, 7);
  if (bo === null) return;
  const backing = bo.backing; // lent: valid until close()
  boUpload(backing, new Uint8Array([0xaa, 0xbb]), 0);
  bo.close();
  const fence = boReadByte(backing, 0); // expect: use-after-free
  if (fence !== 0xaa) throw new Error('upload lost');
}
