/** A growable vmalloc-backed buffer (a log or firmware image buffer). */
import { readRaw, vfree, vmalloc, writeRaw, type Memory, type VmallocArea } from 'memdesc';

export class VBuf {
  area: VmallocArea;
  size: number;

  constructor(
    readonly mem: Memory,
    size: number,
  ) {
    const area = vmalloc(mem, size);
    if (area === null) throw new Error('vbuf: ENOMEM');
    this.area = area;
    this.size = size;
  }

  write(offset: number, bytes: Uint8Array): void {
    writeRaw(this.area, bytes, offset);
  }

  read(offset: number, dst: Uint8Array): void {
    readRaw(this.area, dst, offset);
  }

  /** Moves the contents into a bigger area and frees the old one. */
  grow(newSize: number): boolean {
    const next = vmalloc(this.mem, newSize);
    if (next === null) return false;
    const tmp = new Uint8Array(this.size);
    readRaw(this.area, tmp, 0);
    writeRaw(next, tmp, 0);
    const old = this.area;
    this.area = next;
    this.size = newSize;
    vfree(old);
    return true;
  }

  close(): void {
    vfree(this.area);
  }
}
