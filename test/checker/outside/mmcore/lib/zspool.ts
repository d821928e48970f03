// A zsmalloc-like pool: objects live in size classes on zspages (order-0 pages); callers get an
// opaque numeric handle and must map it around each access. An empty zspage is freed at once.
import {
  allocPage, freePage, withPageMapped, PAGE_SIZE, GFP_KERNEL, type Memory, type Owned, type Page,
} from 'memdesc';

const CLASS_SIZES = [32, 64, 128, 256, 512, 1024] as const;

interface ZsPage {
  readonly id: number;
  readonly page: Owned<Page<0>>;
  readonly classIdx: number;
  readonly used: boolean[];
  inuse: number;
}

export class ZsPool {
  private readonly zspages = new Map<number, ZsPage>();
  private nextId = 1;

  constructor(private readonly mem: Memory, readonly name = 'zspool') {}

  private classFor(size: number): number {
    return CLASS_SIZES.findIndex((s) => s >= size);
  }

  /** zs_malloc(): 0 on failure. */
  malloc(size: number): number {
    const ci = this.classFor(size);
    if (ci < 0) return 0;
    const objSize = CLASS_SIZES[ci]!;
    for (const zs of this.zspages.values()) {
      if (zs.classIdx !== ci) continue;
      const slot = zs.used.indexOf(false);
      if (slot >= 0) return this.take(zs, slot);
    }
    const page = allocPage(this.mem, GFP_KERNEL);
    if (page === null) return 0;
    const zs: ZsPage = { id: this.nextId++, page, classIdx: ci, used: new Array<boolean>(PAGE_SIZE / objSize).fill(false), inuse: 0 };
    this.zspages.set(zs.id, zs);
    return this.take(zs, 0);
  }

  private take(zs: ZsPage, slot: number): number {
    zs.used[slot] = true;
    zs.inuse++;
    return (zs.id << 8) | slot;
  }

  private lookup(handle: number): { zs: ZsPage; slot: number; size: number } {
    const zs = this.zspages.get(handle >>> 8);
    const slot = handle & 0xff;
    if (zs === undefined || zs.used[slot] !== true) throw new Error(`${this.name}: bad handle ${handle}`);
    return { zs, slot, size: CLASS_SIZES[zs.classIdx]! };
  }

  /** zs_map_object() … zs_unmap_object(): fn sees the object's bytes while mapped. */
  map<R>(handle: number, fn: (obj: Uint8Array) => R): R {
    const { zs, slot, size } = this.lookup(handle);
    return withPageMapped(zs.page, (view) => fn(view.subarray(slot * size, (slot + 1) * size)));
  }

  /** zs_free(): frees the zspage when its last object goes. */
  free(handle: number): void {
    const { zs, slot } = this.lookup(handle);
    zs.used[slot] = false;
    zs.inuse--;
    if (zs.inuse === 0) {
      this.zspages.delete(zs.id);
      freePage(zs.page);
    }
  }

  get pages(): number {
    return this.zspages.size;
  }

  /** zs_destroy_pool(). */
  destroy(): void {
    for (const zs of this.zspages.values()) freePage(zs.page);
    this.zspages.clear();
  }
}
