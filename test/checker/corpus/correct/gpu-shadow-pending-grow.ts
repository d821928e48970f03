/** A pending flush runs before the resize; after it, the shadow's current area is the one read. */
import { readRaw, type Memory, type VmallocArea } from 'memdesc';
import { ShadowBuf } from '../lib/gpu-bo.js';

interface PendingFlush {
  readonly area: VmallocArea;
  readonly len: number;
}

export function run(mem: Memory): void {
  const shadow = ShadowBuf.create(mem, 8192);
  if (shadow === null) return;
  const flush: PendingFlush = { area: shadow.area, len: 4096 };
  const out = new Uint8Array(flush.len);
  readRaw(flush.area, out, 0);
  if (!shadow.grow(mem, 16384)) {
    shadow.close();
    return;
  }
  readRaw(shadow.area, out, 0);
  shadow.close();
}
