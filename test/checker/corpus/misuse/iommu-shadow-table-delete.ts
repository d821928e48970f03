/** A GPU context mirrors its IOMMU tables in a Map; detaching a range deletes the entry without freeing. */
import { pagetableAlloc, pagetableFree, GFP_KERNEL, type Memory, type Owned, type PtDesc } from 'memdesc';
import { writeSlot } from '../lib/iommu-pt.js';

class GpuVm {
  readonly shadows = new Map<number, Owned<PtDesc<0>>>();

  constructor(readonly mem: Memory) {}

  attach(range: number): boolean {
    const t = pagetableAlloc(this.mem, GFP_KERNEL, 0); // expect: leak
    if (t === null) return false;
    writeSlot(t, 0, range);
    this.shadows.set(range, t);
    return true;
  }

  detach(range: number): void {
    this.shadows.delete(range); // expect-also: leak
  }

  destroy(): void {
    for (const t of this.shadows.values()) pagetableFree(t);
    this.shadows.clear();
  }
}

export function run(mem: Memory): void {
  const vm = new GpuVm(mem);
  vm.attach(1);
  vm.attach(2);
  vm.detach(1);
  vm.destroy();
}
