// dma-buf-like exporter: one shared buffer (a custom memdesc), attachments hold counted
// references; the exporter's release reclaims exclusive ownership when it is the last holder.
import {
  defineMemdesc, memdescAlloc, memdescFree, memdescGet, memdescPut, memdescRefCount,
  intoShared, tryFromShared, fillZeroRaw, memdescPage, GFP_KERNEL,
  type Memory, type ARef, type InstanceOf,
} from 'memdesc';

const DmaBufMem = defineMemdesc({ name: 'dmabuf_mem', ownable: true, refcounted: true, order: 1 });
type DmaBufInstance = InstanceOf<typeof DmaBufMem>;

class DmaBufExporter {
  private attachments = new Map<string, ARef<DmaBufInstance>>();
  stats: string[] = [];
  constructor(private buf: ARef<DmaBufInstance>) {}

  attach(dev: string): void {
    if (!this.attachments.has(dev)) this.attachments.set(dev, memdescGet(this.buf));
  }

  detach(dev: string): void {
    const ref = this.attachments.get(dev);
    if (ref === undefined) return;
    this.attachments.delete(dev);
    memdescPut(ref);
  }

  /** dma_buf_release(): drop every attachment, then take the buffer back and free it. */
  release(): void {
    for (const dev of [...this.attachments.keys()]) this.detach(dev);
    this.stats.push(`releasing, refcount ${memdescRefCount(this.buf)}`);
    const r = tryFromShared(this.buf);
    if (r.unique) memdescFree(r);
    else memdescPut(r);
  }
}

export function run(mem: Memory): void {
  const owned = memdescAlloc(mem, DmaBufMem, GFP_KERNEL);
  if (owned === null) return;
  fillZeroRaw(memdescPage(owned, 0), 0, 64);
  const exp = new DmaBufExporter(intoShared(owned));
  exp.attach('gpu0');
  exp.attach('isp');
  exp.detach('gpu0');
  exp.release();
}
