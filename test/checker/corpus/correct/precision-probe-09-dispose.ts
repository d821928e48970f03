import { allocPages, freePages, writeRaw, GFP_KERNEL, type Memory, type Owned, type Page } from 'memdesc';

class DmaBuf implements Disposable {
  private pages: Owned<Page<2>> | null;
  constructor(mem: Memory) {
    this.pages = allocPages(mem, GFP_KERNEL, 2);
  }
  write(b: Uint8Array): void {
    if (this.pages) writeRaw(this.pages, b, 0);
  }
  [Symbol.dispose](): void {
    const p = this.pages;
    this.pages = null;
    if (p) freePages(p, 2);
  }
}

export function run(mem: Memory): void {
  {
    using buf = new DmaBuf(mem);
    buf.write(new Uint8Array([1]));
  }
  const other = new DmaBuf(mem);
  other.write(new Uint8Array([2]));
  other[Symbol.dispose]();
  other[Symbol.dispose]();
}
