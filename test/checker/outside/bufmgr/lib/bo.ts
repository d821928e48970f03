// A GEM/TTM-like buffer-object manager: objects backed by pages (system placement) or by a
// vmalloc area (shadow placement), pinned while scanned out, evicted under pressure, and looked up
// by handle id in a Map.
import {
  allocPage, freePage, vmalloc, vfree, writeRaw, readRaw, spinLockInit, withSpinLock,
  PAGE_SIZE, GFP_KERNEL, __GFP_ZERO, gfp,
  type Memory, type Owned, type Page, type VmallocArea, type SpinLock,
} from 'memdesc';

export type Placement = 'system' | 'shadow';

export type BoBacking =
  | { readonly kind: 'system'; readonly pages: Owned<Page<0>>[] }
  | { readonly kind: 'shadow'; readonly area: VmallocArea };

export class BufferObject {
  backing: BoBacking | null = null;
  pinCount = 0;
  constructor(readonly id: number, readonly size: number, readonly placement: Placement) {}

  get nrPages(): number {
    return Math.ceil(this.size / PAGE_SIZE);
  }
}

/** Allocates the backing store of a BO; may sleep. */
function allocBacking(mem: Memory, size: number, placement: Placement): BoBacking | null {
  if (placement === 'shadow') {
    const area = vmalloc(mem, size);
    return area === null ? null : { kind: 'shadow', area };
  }
  const pages: Owned<Page<0>>[] = [];
  for (let i = 0; i < Math.ceil(size / PAGE_SIZE); i++) {
    const p = allocPage(mem, gfp(GFP_KERNEL, __GFP_ZERO));
    if (p === null) {
      for (const q of pages) freePage(q);
      return null;
    }
    pages.push(p);
  }
  return { kind: 'system', pages };
}

function freeBacking(b: BoBacking): void {
  if (b.kind === 'shadow') vfree(b.area);
  else for (const p of b.pages) freePage(p);
}

export class BoManager {
  readonly handles = new Map<number, BufferObject>();
  /** Protects the LRU of evictable objects. */
  readonly lruLock: SpinLock;
  readonly #lru: BufferObject[] = [];
  #nextId = 1;

  constructor(mem: Memory) {
    this.lruLock = spinLockInit(mem, 'bo_lru_lock');
  }

  /** drm_gem_object_init() + backing allocation; may sleep. */
  create(mem: Memory, size: number, placement: Placement): BufferObject | null {
    const backing = allocBacking(mem, size, placement);
    if (backing === null) return null;
    const bo = new BufferObject(this.#nextId++, size, placement);
    bo.backing = backing;
    this.handles.set(bo.id, bo);
    withSpinLock(this.lruLock, () => this.#lru.push(bo));
    return bo;
  }

  lookup(id: number): BufferObject | undefined {
    return this.handles.get(id);
  }

  /** Re-populates an evicted object; may sleep. */
  populate(mem: Memory, bo: BufferObject): boolean {
    if (bo.backing !== null) return true;
    bo.backing = allocBacking(mem, bo.size, bo.placement);
    return bo.backing !== null;
  }

  pin(bo: BufferObject): void {
    if (bo.backing === null) throw new Error(`bo ${bo.id}: pin of an evicted object`);
    bo.pinCount++;
  }

  unpin(bo: BufferObject): void {
    if (bo.pinCount === 0) throw new Error(`bo ${bo.id}: unbalanced unpin`);
    bo.pinCount--;
  }

  /** ttm_bo_evict(): drops the backing of an idle object. */
  evict(bo: BufferObject): boolean {
    if (bo.pinCount > 0 || bo.backing === null) return false;
    const b = bo.backing;
    bo.backing = null;
    freeBacking(b);
    return true;
  }

  /** Under memory pressure: evicts up to max unpinned objects, oldest first. */
  evictIdle(max: number): number {
    const victims = withSpinLock(this.lruLock, () => this.#lru.filter((b) => b.pinCount === 0 && b.backing !== null).slice(0, max));
    let n = 0;
    for (const bo of victims) if (this.evict(bo)) n++;
    return n;
  }

  /** drm_gem_object_release(): frees the backing and the handle. */
  destroy(bo: BufferObject): void {
    if (bo.pinCount > 0) throw new Error(`bo ${bo.id}: destroy while pinned`);
    if (bo.backing !== null) freeBacking(bo.backing);
    bo.backing = null;
    this.handles.delete(bo.id);
    withSpinLock(this.lruLock, () => {
      const i = this.#lru.indexOf(bo);
      if (i >= 0) this.#lru.splice(i, 1);
    });
  }

  /** Driver unload: destroys every object. */
  close(): void {
    for (const bo of [...this.handles.values()]) {
      bo.pinCount = 0;
      this.destroy(bo);
    }
  }
}

/** Writes into a BO's backing store at byte offset off. */
export function boWrite(bo: BufferObject, off: number, data: Uint8Array): void {
  const b = bo.backing;
  if (b === null) throw new Error(`bo ${bo.id}: evicted`);
  if (b.kind === 'shadow') {
    writeRaw(b.area, data, off);
    return;
  }
  let done = 0;
  while (done < data.length) {
    const at = off + done;
    const page = b.pages[Math.floor(at / PAGE_SIZE)];
    if (page === undefined) throw new Error('EFAULT');
    const n = Math.min(PAGE_SIZE - (at % PAGE_SIZE), data.length - done);
    writeRaw(page, data.subarray(done, done + n), at % PAGE_SIZE);
    done += n;
  }
}

/** Reads len bytes of a BO from byte offset off. */
export function boRead(bo: BufferObject, off: number, len: number): Uint8Array {
  const b = bo.backing;
  if (b === null) throw new Error(`bo ${bo.id}: evicted`);
  const out = new Uint8Array(len);
  if (b.kind === 'shadow') {
    readRaw(b.area, out, off);
    return out;
  }
  let done = 0;
  while (done < len) {
    const at = off + done;
    const page = b.pages[Math.floor(at / PAGE_SIZE)];
    if (page === undefined) throw new Error('EFAULT');
    const n = Math.min(PAGE_SIZE - (at % PAGE_SIZE), len - done);
    readRaw(page, out.subarray(done, done + n), at % PAGE_SIZE);
    done += n;
  }
  return out;
}
