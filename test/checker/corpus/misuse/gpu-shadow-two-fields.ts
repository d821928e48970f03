/** A BO's CPU mirror and the shadow object point at one vmalloc area; both are vfree()d. */
import { vfree, type Memory, type VmallocArea } from 'memdesc';
import { ShadowBuf } from '../lib/gpu-bo.js';

class MirroredBo {
  mirror: VmallocArea | null = null;

  constructor(readonly shadow: ShadowBuf) {}

  attachMirror(): void {
    this.mirror = this.shadow.area; // shares the shadow's area
  }

  release(): void {
    if (this.mirror !== null) vfree(this.mirror); // expect-also: double-free
    this.mirror = null;
    this.shadow.close(); // expect: double-free
  }
}

export function run(mem: Memory): void {
  const shadow = ShadowBuf.create(mem, 3 * 4096);
  if (shadow === null) return;
  const bo = new MirroredBo(shadow);
  bo.attachMirror();
  bo.release(); // expect-also: double-free
}
