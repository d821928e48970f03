/**
 * Pins taken for a command submission are unpinned once each, by the cleanup loop.
 *
 * Kernel: execbuf pins each BO (drm_gem_object_get) for the duration of a submission.
 * Protocol: every pin() returns one reference that must be unpinned exactly once,
 * by the error path or by the cleanup loop, never by both.
 * bo.close() puts the BO's own reference once the pins are gone.
 */
import { type ARef, type Folio, type Memory } from 'memdesc';
import { GpuBo, boUnpin } from '../lib/gpu-bo.js';

export function run(mem: Memory): void {
  const bo = GpuBo.create(mem, 3);
  if (bo === null) return;
  const pins: ARef<Folio<2>>[] = [bo.pin(), bo.pin()];
  const validated = false;
  if (!validated) {
    for (const p of pins.splice(0)) boUnpin(p);
  }
  for (const p of pins) boUnpin(p);
  bo.close();
}
