// io_uring-like provided-buffer ring: a kmalloc'd array of buffer ids plus registered pages.
import { kmalloc, kfree, allocPage, freePage, GFP_KERNEL, type Memory, type KmallocPtr, type Owned, type Page } from 'memdesc';

class ProvidedBufRing {
  private pages: Owned<Page<0>>[] = [];
  constructor(private ring: KmallocPtr<'slab' | 'misc'>, readonly bgid: number) {}

  register(mem: Memory, nbufs: number): boolean {
    for (let i = 0; i < nbufs; i++) {
      const p = allocPage(mem, GFP_KERNEL);
      if (p === null) return false;
      this.pages.push(p);
    }
    return true;
  }

  /** io_unregister_pbuf_ring(): unregister every page and free the ring itself. */
  close(): void {
    for (const p of this.pages.splice(0)) freePage(p);
    kfree(this.ring);
  }
}

function setupBufRing(mem: Memory, bgid: number, nbufs: number): ProvidedBufRing | null {
  const ring = kmalloc(mem, 64 * 8, GFP_KERNEL);
  if (ring === null) return null;
  const br = new ProvidedBufRing(ring, bgid);
  if (!br.register(mem, nbufs)) {
    br.close();
    return null;
  }
  return br;
}

export function run(mem: Memory): void {
  const rings = new Map<number, ProvidedBufRing>();
  for (const bgid of [1, 2]) {
    const br = setupBufRing(mem, bgid, 4);
    if (br !== null) rings.set(bgid, br);
  }
  // IORING_UNREGISTER_PBUF_RING for group 1 ...
  const g1 = rings.get(1);
  g1?.close();
  rings.delete(1);
  // ... then ring exit tears down every group still in the table
  for (const br of rings.values()) br.close();
  rings.clear();
}
