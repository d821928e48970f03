/**
 * A CPU readback kmaps the BO's first page, then closes the BO once the mapping is gone.
 *
 * Kernel: a CPU readback kmaps a BO page; drm_gem_object_put() may free the BO.
 * Protocol: the BO's last folio reference can be put only after the kmap is gone:
 * the allocator refuses a folio that is still mapped (nonzero mapcount/kmap).
 * In the kernel the kmap is drm_gem_vmap()/vunmap() or kmap_local_folio().
 */
import { folioPage, withPageMapped, type Memory } from 'memdesc';
import { GpuBo, boUpload } from '../lib/gpu-bo.js';

export function run(mem: Memory): void {
  const bo = GpuBo.create(mem, 4);
  if (bo === null) return;
  boUpload(bo.backing, new Uint8Array([0x10, 0x20]), 0);
  const sum = withPageMapped(folioPage(bo.backing, 0), (view) => view[0]! + view[1]!);
  bo.close();
  if (sum !== 0x30) throw new Error('readback mismatch');
}
