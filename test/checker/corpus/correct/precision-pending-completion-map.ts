/** Completion callbacks are kept in a Map by tag; an interrupt runs one and deletes it, so it frees once. */
import { allocPage, freePage, writeRaw, GFP_KERNEL, type Memory } from 'memdesc';

export function run(mem: Memory): void {
  const pending = new Map<number, () => void>();
  for (const tag of [1, 2, 3]) {
    const page = allocPage(mem, GFP_KERNEL);
    if (page === null) continue;
    writeRaw(page, new Uint8Array([tag]), 0);
    pending.set(tag, () => freePage(page));
  }
  const irq = (tag: number): void => {
    const cb = pending.get(tag);
    pending.delete(tag);
    cb?.();
  };
  irq(2);
  irq(2); // a duplicate interrupt finds nothing
  for (const tag of [...pending.keys()]) irq(tag);
}
