/** A vmalloc-backed log buffer grows by copying into a bigger area and frees the old one. */
import { readRaw, vfree, vmalloc, writeRaw, type Memory, type VmallocArea } from 'memdesc';

class LogBuf {
  area: VmallocArea;
  size: number;

  constructor(
    readonly mem: Memory,
    size: number,
  ) {
    const area = vmalloc(mem, size);
    if (area === null) throw new Error('ENOMEM');
    this.area = area;
    this.size = size;
  }

  append(offset: number, bytes: Uint8Array): void {
    writeRaw(this.area, bytes, offset);
  }

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

export function run(mem: Memory): void {
  const log = new LogBuf(mem, 4096);
  log.append(0, new TextEncoder().encode('boot: ok\n'));
  log.grow(16384);
  log.append(4096, new TextEncoder().encode('more\n'));
  log.close();
}
