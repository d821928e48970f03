import { allocPage, freePage, writeRaw, GFP_KERNEL, type Memory, type Owned, type Page } from 'memdesc';

export function run(mem: Memory): void {
  const slots: (Owned<Page<0>> | null)[] = [];
  for (let i = 0; i < 4; i++) slots.push(allocPage(mem, GFP_KERNEL));
  for (let i = 0; i < slots.length; i += 2) {
    const p = slots[i];
    if (!p) continue;
    freePage(p);
    slots[i] = null;
  }
  for (const p of slots) if (p) writeRaw(p, new Uint8Array([1]), 0);
  for (let i = 0; i < slots.length; i++) {
    const p = slots[i];
    if (p) freePage(p);
    slots[i] = null;
  }
}
