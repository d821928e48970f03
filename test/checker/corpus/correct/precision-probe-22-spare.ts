import { allocPage, freePage, writeRaw, GFP_KERNEL, type Memory, type Owned, type Page } from 'memdesc';

class Rx {
  spare: Owned<Page<0>> | null = null;
  constructor(readonly mem: Memory) {
    this.spare = allocPage(mem, GFP_KERNEL);
  }
  take(): Owned<Page<0>> | null {
    const p = this.spare ?? allocPage(this.mem, GFP_KERNEL);
    this.spare = null;
    return p;
  }
  close(): void {
    if (this.spare) freePage(this.spare);
    this.spare = null;
  }
}

export function run(mem: Memory): void {
  const rx = new Rx(mem);
  const a = rx.take();
  const b = rx.take();
  a?.[Symbol.dispose]();
  if (b !== null) {
    writeRaw(b, new Uint8Array([1]), 0);
    freePage(b);
  }
  rx.close();
}
