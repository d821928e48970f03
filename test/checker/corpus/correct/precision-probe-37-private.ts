import { allocPages, freePages, writeRaw, GFP_KERNEL, type Memory, type Owned, type Page } from 'memdesc';

class Frame {
  #pages: Owned<Page<1>> | null = null;
  static count = 0;
  get mapped(): boolean {
    return this.#pages !== null;
  }
  map(mem: Memory): boolean {
    if (this.#pages) return true;
    this.#pages = allocPages(mem, GFP_KERNEL, 1);
    if (this.#pages) Frame.count++;
    return this.#pages !== null;
  }
  write(b: Uint8Array): void {
    if (this.#pages) writeRaw(this.#pages, b, 0);
  }
  unmap(): void {
    const p = this.#pages;
    if (!p) return;
    this.#pages = null;
    freePages(p, 1);
  }
}

export function run(mem: Memory): void {
  const f = new Frame();
  f.map(mem);
  f.map(mem);
  if (f.mapped) f.write(new Uint8Array([1]));
  f.unmap();
  f.unmap();
}
