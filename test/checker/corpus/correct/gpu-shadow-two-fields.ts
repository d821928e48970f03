/** A BO's CPU mirror borrows the shadow object's vmalloc area; only the shadow frees it. */
import { type Memory, type VmallocArea } from 'memdesc';
import { ShadowBuf } from '../lib/gpu-bo.js';

class MirroredBo {
  mirror: VmallocArea | null = null;

  constructor(readonly shadow: ShadowBuf) {}

  attachMirror(): void {
    this.mirror = this.shadow.area; // borrows the shadow's area
  }

  release(): void {
    this.mirror = null;
    this.shadow.close();
  }
}

export function run(mem: Memory): void {
  const shadow = ShadowBuf.create(mem, 3 * 4096);
  if (shadow === null) return;
  const bo = new MirroredBo(shadow);
  bo.attachMirror();
  bo.release();
}
