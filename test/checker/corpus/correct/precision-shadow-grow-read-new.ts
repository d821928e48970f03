/**
 * The shadow grows: the old area is read before grow(), and only the new area afterwards.
 *
 * Kernel: kvrealloc()-style growth of a vmalloc'd CPU shadow of GPU state.
 * Protocol: grow() vfree()s the old area and stores the new one in the field;
 * callers re-read the field after growing instead of keeping the old address.
 */
import { readRaw, writeRaw, type Memory } from 'memdesc';
import { ShadowBuf } from '../lib/gpu-bo.js';

export function run(mem: Memory): void {
  const shadow = ShadowBuf.create(mem, 4096);
  if (shadow === null) return;
  writeRaw(shadow.area, new Uint8Array([0xcc]), 0);
  const before = new Uint8Array(1);
  readRaw(shadow.area, before, 0);
  for (const size of [8192, 16384]) if (!shadow.grow(mem, size)) break;
  const after = new Uint8Array(1);
  readRaw(shadow.area, after, 0); // re-read the field: the current area
  shadow.close();
  if (after[0] !== before[0]) throw new Error('contents lost in grow');
}
