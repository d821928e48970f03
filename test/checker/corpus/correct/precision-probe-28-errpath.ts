import { allocPage, freePage, kmalloc, kfree, vmalloc, vfree, GFP_KERNEL, type Memory, type Owned, type Page, type KmallocPtr, type VmallocArea } from 'memdesc';

interface Dev {
  page: Owned<Page<0>>;
  ctl: KmallocPtr;
  ring: VmallocArea;
}

function probe(mem: Memory): Dev | null {
  const page = allocPage(mem, GFP_KERNEL);
  if (!page) return null;
  const ctl = kmalloc(mem, 256, GFP_KERNEL);
  if (!ctl) {
    freePage(page);
    return null;
  }
  const ring = vmalloc(mem, 8192, GFP_KERNEL);
  if (!ring) {
    kfree(ctl);
    freePage(page);
    return null;
  }
  return { page, ctl, ring };
}

function remove(d: Dev): void {
  vfree(d.ring);
  kfree(d.ctl);
  freePage(d.page);
}

export function run(mem: Memory): void {
  const d = probe(mem);
  if (d) remove(d);
}
