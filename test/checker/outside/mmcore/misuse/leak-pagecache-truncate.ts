// A small page cache for a memcg-charged file: folios are looked up by index, created on a miss,
// and truncate() drops every folio at or beyond the new size.
import { folioAlloc, folioPut, folioLock, folioUnlock, writeRaw, GFP_KERNEL, type Memory } from 'memdesc';
import type { CgFolio } from '../lib/memcg.js';

class PageCache {
  private readonly pages = new Map<number, CgFolio>();
  constructor(private readonly mem: Memory) {}

  grab(idx: number): CgFolio | null {
    const hit = this.pages.get(idx);
    if (hit !== undefined) return hit;
    const folio = folioAlloc(this.mem, GFP_KERNEL, 0); // expect: leak
    if (folio === null) return null;
    this.pages.set(idx, folio);
    return folio;
  }

  truncate(nrPages: number): number {
    let dropped = 0;
    for (const idx of [...this.pages.keys()]) {
      if (idx < nrPages) continue;
      this.pages.delete(idx); // expect-also: leak
      dropped++;
    }
    return dropped;
  }

  close(): void {
    for (const f of this.pages.values()) folioPut(f);
    this.pages.clear();
  }
}

export function run(mem: Memory): void {
  const pc = new PageCache(mem);
  for (let idx = 0; idx < 6; idx++) {
    const f = pc.grab(idx);
    if (f === null) throw new Error('ENOMEM');
    const locked = folioLock(f);
    writeRaw(locked, new Uint8Array([idx]), 0);
    folioUnlock(locked);
  }
  const dropped = pc.truncate(4);
  console.log(`truncate: dropped ${dropped}`);
  pc.close();
}
