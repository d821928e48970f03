/**
 * A ring buffer over pages: `nr` pages allocated up front, one record per page, a producer and a
 * consumer index. The ring owns its pages until `close()`.
 */
import { allocPage, freePage, readRaw, writeRaw, GFP_KERNEL, PAGE_SIZE, type Memory, type Owned, type Page } from 'memdesc';

export class PageRing {
  readonly pages: Owned<Page<0>>[] = [];
  private head = 0;
  private tail = 0;
  private count = 0;

  /** Allocates the ring's pages; throws on ENOMEM after giving back what it got. */
  constructor(
    readonly mem: Memory,
    readonly nr: number,
  ) {
    for (let i = 0; i < nr; i++) {
      const page = allocPage(mem, GFP_KERNEL);
      if (page === null) {
        for (const p of this.pages) freePage(p);
        throw new Error('ring: ENOMEM');
      }
      this.pages.push(page);
    }
  }

  /** Copies one record (≤ PAGE_SIZE - 4 bytes) into the next free page. */
  produce(record: Uint8Array): boolean {
    if (this.count === this.nr || record.length > PAGE_SIZE - 4) return false;
    const page = this.pages[this.tail]!;
    const len = new Uint8Array(4);
    new DataView(len.buffer).setUint32(0, record.length, true);
    writeRaw(page, len, 0);
    writeRaw(page, record, 4);
    this.tail = (this.tail + 1) % this.nr;
    this.count++;
    return true;
  }

  /** Takes the oldest record out, or null if the ring is empty. */
  consume(): Uint8Array | null {
    if (this.count === 0) return null;
    const page = this.pages[this.head]!;
    const len = new Uint8Array(4);
    readRaw(page, len, 0);
    const out = new Uint8Array(new DataView(len.buffer).getUint32(0, true));
    readRaw(page, out, 4);
    this.head = (this.head + 1) % this.nr;
    this.count--;
    return out;
  }

  /** The page behind slot `i`, lent: the ring still owns it. */
  slot(i: number): Owned<Page<0>> {
    const page = this.pages[i % this.nr];
    if (page === undefined) throw new RangeError('ring: no such slot');
    return page;
  }

  /** Frees every page; the ring is dead afterwards. */
  close(): void {
    for (const page of this.pages) freePage(page);
    this.pages.length = 0;
  }
}
