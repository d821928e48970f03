// A DRM-GEM-like shmem object manager: objects get their backing folios lazily, pin/unpin counts
// keep them resident, and a shrinker walking a list_lru of unpinned objects evicts their pages.
import {
  folioAlloc, folioPut, folioLock, folioUnlock, writeRaw, readRaw, listLruInit, listLruAdd, listLruDel, listLruWalk,
  LRU_REMOVED, LRU_SKIP, GFP_KERNEL,
  type Memory, type ARef, type Folio, type ListLru,
} from 'memdesc';

export type BackingFolio = ARef<Folio<0>>;

export class GemObject {
  pages: (BackingFolio | null)[];
  pinCount = 0;
  constructor(readonly handle: number, readonly nrPages: number) {
    this.pages = new Array<BackingFolio | null>(nrPages).fill(null);
  }
}

/** drm_gem_get_pages(): allocates what is not resident yet. False on ENOMEM (what it got stays). */
export function gemGetPages(mem: Memory, obj: GemObject): boolean {
  for (let i = 0; i < obj.nrPages; i++) {
    if (obj.pages[i] !== null) continue;
    const f = folioAlloc(mem, GFP_KERNEL, 0);
    if (f === null) return false;
    obj.pages[i] = f;
  }
  return true;
}

/** drm_gem_put_pages(): drops the object's references on its folios. */
export function gemPutPages(obj: GemObject): number {
  let n = 0;
  for (let i = 0; i < obj.pages.length; i++) {
    const f = obj.pages[i];
    if (f === null || f === undefined) continue;
    folioPut(f);
    obj.pages[i] = null;
    n++;
  }
  return n;
}

export function gemWrite(obj: GemObject, index: number, data: Uint8Array): void {
  const f = obj.pages[index];
  if (f === null || f === undefined) throw new Error(`gem ${obj.handle}: page ${index} not resident`);
  const locked = folioLock(f);
  writeRaw(locked, data, 0);
  folioUnlock(locked);
}

export function gemRead(obj: GemObject, index: number, len: number): Uint8Array {
  const f = obj.pages[index];
  if (f === null || f === undefined) throw new Error(`gem ${obj.handle}: page ${index} not resident`);
  const out = new Uint8Array(len);
  readRaw(f, out, 0);
  return out;
}

export class GemManager {
  readonly objects = new Map<number, GemObject>();
  readonly lru: ListLru<GemObject>;
  nextHandle = 1;
  constructor(readonly mem: Memory) {
    this.lru = listLruInit<GemObject>(mem);
  }

  create(nrPages: number): GemObject {
    const obj = new GemObject(this.nextHandle++, nrPages);
    this.objects.set(obj.handle, obj);
    listLruAdd(this.lru, obj);
    return obj;
  }

  pin(obj: GemObject): boolean {
    if (!gemGetPages(this.mem, obj)) return false;
    if (obj.pinCount++ === 0) listLruDel(this.lru, obj);
    return true;
  }

  unpin(obj: GemObject): void {
    if (obj.pinCount === 0) throw new Error(`gem ${obj.handle}: unbalanced unpin`);
    if (--obj.pinCount === 0) listLruAdd(this.lru, obj);
  }

  /** The shrinker's scan: evicts the pages of unpinned objects. */
  shrink(nrToScan: number): number {
    let freed = 0;
    listLruWalk(this.lru, (obj) => {
      if (obj.pinCount > 0) return LRU_SKIP;
      freed += gemPutPages(obj);
      return LRU_REMOVED;
    }, nrToScan);
    return freed;
  }

  /** drm_gem_object_release(). */
  close(handle: number): void {
    const obj = this.objects.get(handle);
    if (obj === undefined) return;
    this.objects.delete(handle);
    listLruDel(this.lru, obj);
    gemPutPages(obj);
  }

  destroy(): void {
    for (const handle of [...this.objects.keys()]) this.close(handle);
  }
}
