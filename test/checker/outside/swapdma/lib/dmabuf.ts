// A DMA-BUF heap: a buffer is a set of pages the exporter owns; importers attach (a small
// kmalloc'd attachment record) and map the buffer. The heap frees a buffer on release().
import {
  allocPage, freePage, kmalloc, kfree, writeRaw, readRaw,
  GFP_KERNEL, __GFP_ZERO, PAGE_SIZE,
  type Owned, type Page, type Memory, type KmallocPtr,
} from 'memdesc';

export type HeapPage = Owned<Page<0>>;
export type Attachment = KmallocPtr<'slab'>;

export interface DmaBuf {
  readonly id: number;
  readonly pages: HeapPage[];
  readonly attachments: Set<Attachment>;
  size: number;
}

let nextId = 1;

export class DmaHeap {
  private readonly buffers = new Map<number, DmaBuf>();
  constructor(private readonly mem: Memory) {}

  get count(): number {
    return this.buffers.size;
  }

  /** dma_heap_buffer_alloc(): all pages or nothing. */
  allocate(nrPages: number): DmaBuf | null {
    const pages: HeapPage[] = [];
    for (let i = 0; i < nrPages; i++) {
      const p = allocPage(this.mem, GFP_KERNEL | __GFP_ZERO);
      if (p === null) {
        for (const q of pages) freePage(q);
        return null;
      }
      pages.push(p);
    }
    const buf: DmaBuf = { id: nextId++, pages, attachments: new Set(), size: nrPages * PAGE_SIZE };
    this.buffers.set(buf.id, buf);
    return buf;
  }

  get(id: number): DmaBuf | undefined {
    return this.buffers.get(id);
  }

  /** dma_buf_attach(): an attachment record the importer must detach. */
  attach(buf: DmaBuf, device: number): Attachment | null {
    const a = kmalloc(this.mem, 64, GFP_KERNEL);
    if (a === null) return null;
    writeRaw(a, new Uint8Array([device & 0xff]), 0);
    buf.attachments.add(a);
    return a;
  }

  detach(buf: DmaBuf, a: Attachment): void {
    if (!buf.attachments.delete(a)) return;
    kfree(a);
  }

  /** dma_buf_release(): detaches everything still attached and frees the pages. */
  release(buf: DmaBuf): void {
    if (!this.buffers.delete(buf.id)) return;
    for (const a of buf.attachments) kfree(a);
    buf.attachments.clear();
    for (const p of buf.pages) freePage(p);
    buf.pages.length = 0;
  }

  releaseAll(): void {
    for (const buf of [...this.buffers.values()]) this.release(buf);
  }
}

export function writeBuf(buf: DmaBuf, index: number, data: Uint8Array): void {
  const p = buf.pages[index];
  if (p === undefined) throw new RangeError(`page ${index} of buffer ${buf.id}`);
  writeRaw(p, data, 0);
}

export function readBuf(buf: DmaBuf, index: number, len: number): Uint8Array {
  const p = buf.pages[index];
  if (p === undefined) throw new RangeError(`page ${index} of buffer ${buf.id}`);
  const out = new Uint8Array(len);
  readRaw(p, out, 0);
  return out;
}
