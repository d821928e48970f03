import { allocPage, freePage, kmalloc, kfree, writeRaw, GFP_KERNEL, type Memory, type Owned, type Page, type KmallocPtr } from 'memdesc';

interface Packet {
  hdr: KmallocPtr;
  body: Owned<Page<0>>;
}

function build(mem: Memory): Packet | null {
  const hdr = kmalloc(mem, 64, GFP_KERNEL);
  if (!hdr) return null;
  const body = allocPage(mem, GFP_KERNEL);
  if (!body) {
    kfree(hdr);
    return null;
  }
  return { hdr, body };
}

function destroy({ hdr, body }: Packet): void {
  kfree(hdr);
  freePage(body);
}

export function run(mem: Memory): void {
  const pkt = build(mem);
  if (!pkt) return;
  const { body } = pkt;
  writeRaw(body, new Uint8Array([1]), 0);
  destroy(pkt);
  const p2 = build(mem);
  if (p2) {
    const [h, b] = [p2.hdr, p2.body];
    kfree(h);
    freePage(b);
  }
}
