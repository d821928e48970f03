import { allocPage, freePage, writeRaw, GFP_KERNEL, type Memory, type Owned, type Page } from 'memdesc';

export function run(mem: Memory): void {
  const inflight = new Set<Owned<Page<0>>>();
  for (let i = 0; i < 4; i++) {
    const p = allocPage(mem, GFP_KERNEL);
    if (!p) break;
    writeRaw(p, new Uint8Array([i]), 0);
    inflight.add(p);
  }
  const done: Owned<Page<0>>[] = [];
  for (const p of inflight) {
    done.push(p);
  }
  inflight.clear();
  while (done.length) {
    const p = done.pop();
    if (p) freePage(p);
  }
}
