import { allocPage, freePage, readRaw, writeRaw, GFP_KERNEL, type Memory, type Owned, type Page } from 'memdesc';

export class PageRing {
  private readonly slots: (Owned<Page<0>> | null)[] = [];
  private head = 0;
  private tail = 0;
  constructor(readonly mem: Memory, readonly size: number) {
    for (let i = 0; i < size; i++) this.slots.push(null);
  }
  push(data: Uint8Array): boolean {
    const next = (this.tail + 1) % this.size;
    if (next === this.head) return false;
    const page = allocPage(this.mem, GFP_KERNEL);
    if (!page) return false;
    writeRaw(page, data, 0);
    this.slots[this.tail] = page;
    this.tail = next;
    return true;
  }
  pop(out: Uint8Array): boolean {
    if (this.head === this.tail) return false;
    const page = this.slots[this.head];
    this.slots[this.head] = null;
    this.head = (this.head + 1) % this.size;
    if (!page) return false;
    readRaw(page, out, 0);
    freePage(page);
    return true;
  }
  drain(): void {
    const buf = new Uint8Array(16);
    while (this.pop(buf)) {
      /* nothing */
    }
  }
}
