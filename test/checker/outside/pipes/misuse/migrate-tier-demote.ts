// Memory-tier demotion: isolate hot-list folios, copy each into a folio on the slow tier,
// then free the old one; a folio that cannot be migrated is put back on its LRU.
import {
  folioAlloc, folioGet, folioPut, folioLock, folioUnlock, folioPage, folioRefCount, readRaw, writeRaw,
  GFP_KERNEL, PAGE_SIZE, type Memory, type ARef, type Folio,
} from 'memdesc';

type Tier = 'dram' | 'cxl';

class TierLru {
  readonly folios = new Map<number, ARef<Folio<0>>>();
  private nextId = 0;
  constructor(readonly tier: Tier) {}
  add(f: ARef<Folio<0>>): number {
    const id = this.nextId++;
    this.folios.set(id, f);
    return id;
  }
  /** isolate_lru_folio(): take it off the list; the caller now holds the LRU's reference. */
  isolate(id: number): ARef<Folio<0>> | undefined {
    const f = this.folios.get(id);
    this.folios.delete(id);
    return f;
  }
  drain(): void {
    for (const f of this.folios.values()) folioPut(f);
    this.folios.clear();
  }
}

/** migrate_folio(): copy src into dst; fails (-EAGAIN) if someone else holds a reference. */
function copyFolio(src: ARef<Folio<0>>, dst: ARef<Folio<0>>): boolean {
  if (folioRefCount(src) > 1) return false;
  const buf = new Uint8Array(PAGE_SIZE);
  readRaw(folioPage(src, 0), buf, 0);
  const locked = folioLock(dst);
  writeRaw(locked, buf, 0);
  folioUnlock(locked);
  return true;
}

function demoteOne(mem: Memory, from: TierLru, to: TierLru, id: number): boolean {
  const old = from.isolate(id);
  if (old === undefined) return false;
  const dst = folioAlloc(mem, GFP_KERNEL, 0); // expect: leak
  if (dst === null) {
    from.add(old); // putback
    return false;
  }
  if (!copyFolio(old, dst)) {
    from.add(old); // putback: still pinned
    return false; // expect-also: leak
  }
  folioPut(old);
  to.add(dst);
  return true;
}

export function run(mem: Memory): void {
  const dram = new TierLru('dram');
  const cxl = new TierLru('cxl');
  const ids: number[] = [];
  for (let i = 0; i < 3; i++) {
    const f = folioAlloc(mem, GFP_KERNEL, 0);
    if (f !== null) ids.push(dram.add(f));
  }
  // a pinned folio (e.g. under O_DIRECT I/O) cannot move
  const pinnedId = ids[1];
  const pinned = pinnedId === undefined ? undefined : dram.folios.get(pinnedId);
  const pin = pinned === undefined ? null : folioGet(pinned);
  for (const id of ids) demoteOne(mem, dram, cxl, id);
  if (pin !== null) folioPut(pin);
  dram.drain();
  cxl.drain();
}
