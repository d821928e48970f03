/** GPU buffer objects: system-memory BOs on folios, CPU shadow copies on vmalloc. */
import { folioAlloc, folioGet, folioPut, folioLock, folioUnlock, folioRefCount, readRaw, writeRaw, vmalloc, vfree, GFP_KERNEL, type ARef, type Folio, type Memory, type VmallocArea, type Live } from 'memdesc';

/** A BO backed by one order-2 folio (16 KiB). */
export class GpuBo {
  private folio: ARef<Folio<2>> | null;

  private constructor(folio: ARef<Folio<2>>, readonly handle: number) {
    this.folio = folio;
  }

  static create(mem: Memory, handle: number): GpuBo | null {
    const f = folioAlloc(mem, GFP_KERNEL, 2);
    return f === null ? null : new GpuBo(f, handle);
  }

  /** The backing folio, lent: valid until close(). */
  get backing(): ARef<Folio<2>> {
    if (this.folio === null) throw new Error(`bo ${this.handle} is closed`);
    return this.folio;
  }

  /** drm_gem_object_get() for a pin: the caller owns the returned reference. */
  pin(): ARef<Folio<2>> {
    return folioGet(this.backing);
  }

  refs(): number {
    return folioRefCount(this.backing);
  }

  /** drm_gem_object_put() of the BO's own reference. */
  close(): void {
    const f = this.folio;
    if (f === null) return;
    this.folio = null;
    folioPut(f);
  }
}

/** Uploads data into a BO's folio: takes the folio lock, so it may sleep. */
export function boUpload(bo: ARef<Folio<2>> & Live, data: Uint8Array, offset: number): void {
  const locked = folioLock(bo);
  writeRaw(locked, data, offset);
  folioUnlock(locked);
}

export function boReadByte(bo: ARef<Folio<2>> & Live, offset: number): number {
  const b = new Uint8Array(1);
  readRaw(bo, b, offset);
  return b[0]!;
}

/** Unpins: puts a reference pin() returned. */
export function boUnpin(ref: ARef<Folio<2>> & Live): void {
  folioPut(ref);
}

/** A CPU shadow of a BO in vmalloc space, which grows by reallocating. */
export class ShadowBuf {
  area: VmallocArea;
  size: number;

  constructor(area: VmallocArea, size: number) {
    this.area = area;
    this.size = size;
  }

  static create(mem: Memory, size: number): ShadowBuf | null {
    const a = vmalloc(mem, size);
    return a === null ? null : new ShadowBuf(a, size);
  }

  /** Grows to `size`: copies into a new area and vfree()s the old one. May sleep. */
  grow(mem: Memory, size: number): boolean {
    const next = vmalloc(mem, size);
    if (next === null) return false;
    const old = new Uint8Array(this.size);
    readRaw(this.area, old, 0);
    writeRaw(next, old, 0);
    vfree(this.area);
    this.area = next;
    this.size = size;
    return true;
  }

  close(): void {
    vfree(this.area);
  }
}

/** Allocates a shadow area directly (process context: vmalloc may sleep). */
export function allocShadow(mem: Memory, size: number): VmallocArea | null {
  return vmalloc(mem, size);
}
