import { vmalloc, vfree, writeRaw, readRaw, vmallocSize, GFP_KERNEL, type Memory, type VmallocArea } from 'memdesc';

class VBuf {
  private area: VmallocArea | null = null;
  constructor(readonly mem: Memory) {}
  ensure(size: number): boolean {
    if (this.area && vmallocSize(this.area) >= size) return true;
    const next = vmalloc(this.mem, size, GFP_KERNEL);
    if (!next) return false;
    if (this.area) {
      const old = new Uint8Array(vmallocSize(this.area));
      readRaw(this.area, old, 0);
      writeRaw(next, old, 0);
      vfree(this.area);
    }
    this.area = next;
    return true;
  }
  close(): void {
    if (this.area) vfree(this.area);
    this.area = null;
  }
}

export function run(mem: Memory): void {
  const b = new VBuf(mem);
  b.ensure(4096);
  b.ensure(3 * 4096);
  b.ensure(100);
  b.close();
}
