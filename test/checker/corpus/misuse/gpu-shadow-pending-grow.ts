/** A pending flush records the shadow's area; a resize vfree()s that area before the flush runs. */
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
  if (!shadow.grow(mem, 16384)) {
    shadow.close();
    return;
  }
  const out = new Uint8Array(flush.len);
  readRaw(flush.area, out, 0); // expect: use-after-free
  shadow.close();
}
