/**
 * A filesystem block bitmap in vmalloc space that grows with the filesystem (resize2fs-style):
 * grow() allocates a bigger area, copies, and vfree()s the old one.
 */
import { vmalloc, vfree, vmallocSize, readRaw, writeRaw, PAGE_SIZE, type Memory, type VmallocArea } from 'memdesc';

export class FsBitmap {
  area: VmallocArea;
  bytes: number;

  private constructor(private readonly mem: Memory, area: VmallocArea, bytes: number) {
    this.area = area;
    this.bytes = bytes;
  }

  static create(mem: Memory, bits: number): FsBitmap | null {
    const bytes = Math.max(PAGE_SIZE, Math.ceil(bits / 8));
    const area = vmalloc(mem, bytes);
    return area === null ? null : new FsBitmap(mem, area, bytes);
  }

  /** Grows to hold `bits`; the old area is freed. False on ENOMEM (old area kept). */
  grow(bits: number): boolean {
    const bytes = Math.ceil(bits / 8);
    if (bytes <= this.bytes) return true;
    const next = vmalloc(this.mem, bytes);
    if (next === null) return false;
    const copy = new Uint8Array(this.bytes);
    readRaw(this.area, copy, 0);
    writeRaw(next, copy, 0);
    vfree(this.area);
    this.area = next;
    this.bytes = vmallocSize(next);
    return true;
  }

  set(bit: number): void {
    const b = new Uint8Array(1);
    readRaw(this.area, b, bit >> 3);
    b[0] = b[0]! | (1 << (bit & 7));
    writeRaw(this.area, b, bit >> 3);
  }

  test(bit: number): boolean {
    return testBitIn(this.area, bit);
  }

  destroy(): void {
    vfree(this.area);
  }
}

/** Tests a bit in a bitmap area (a caller may hold the area directly). */
export function testBitIn(area: VmallocArea, bit: number): boolean {
  const b = new Uint8Array(1);
  readRaw(area, b, bit >> 3);
  return (b[0]! & (1 << (bit & 7))) !== 0;
}
