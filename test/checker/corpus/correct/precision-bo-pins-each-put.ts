/**
 * Pins (folioGet) taken by three engines are each put once; the BO's own reference is put by close().
 *
 * Kernel: drm_gem_object_get() per engine that uses the BO in a submission.
 * Protocol: each pin is one counted reference, put exactly once; the BO's own reference
 * is put by close().
 */
import { folioRefCount, type ARef, type Folio, type Memory } from 'memdesc';
import { GpuBo, boReadByte, boUnpin } from '../lib/gpu-bo.js';

export function run(mem: Memory): void {
  const bo = GpuBo.create(mem, 1);
  if (bo === null) return;
  const engines = new Map<string, ARef<Folio<2>>>();
  for (const e of ['gfx', 'copy', 'video']) engines.set(e, bo.pin());
  if (folioRefCount(bo.backing) !== 4) throw new Error('pin count');
  for (const [name, pin] of engines) {
    boReadByte(pin, name.length);
    boUnpin(pin);
  }
  engines.clear();
  bo.close();
}
