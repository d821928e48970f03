/** A DMA channel with one bounce page, in a class with `close()` and `Symbol.dispose`. */
import { allocPage, freePage, readRaw, writeRaw, GFP_KERNEL, type Memory, type Owned, type Page } from 'memdesc';

export class DmaChannel implements Disposable {
  /** The bounce page; owned by the channel until `close()`. */
  page: Owned<Page<0>>;

  constructor(readonly mem: Memory) {
    const page = allocPage(mem, GFP_KERNEL);
    if (page === null) throw new Error('dma: ENOMEM');
    this.page = page;
  }

  /** Copies `data` into the bounce page. */
  submit(data: Uint8Array): void {
    writeRaw(this.page, data, 0);
  }

  /** Reads the first byte the device wrote back. */
  status(): number {
    const b = new Uint8Array(1);
    readRaw(this.page, b, 0);
    return b[0]!;
  }

  /** Frees the bounce page; the channel is dead afterwards (call it once). */
  close(): void {
    freePage(this.page);
  }

  [Symbol.dispose](): void {
    this.close();
  }
}
