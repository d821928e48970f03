// A split virtqueue (drivers/virtio/virtio_ring.c, simplified): each descriptor owns the
// kmalloc'd buffer the driver added, until the device marks it used and the driver takes it back.
import {
  kmalloc,
  kfree,
  kmemCacheCreate,
  kmemCacheAlloc,
  kmemCacheFree,
  kmemCacheDestroy,
  spinLockInit,
  writeRaw,
  GFP_KERNEL,
  GFP_ATOMIC,
  type KmallocPtr,
  type KmemCache,
  type SlabObject,
  type Memory,
  type SpinLock,
  type AtomicContext,
  type Gfp,
} from 'memdesc';

export type VqBuf = KmallocPtr<'slab'>;

export class VirtQueue {
  private readonly desc = new Map<number, VqBuf>();
  private readonly used: number[] = [];
  readonly lock: SpinLock;
  private nextId = 0;
  /** The buffer get_buf() handed out last (for the debugfs "last used" dump). */
  lastUsed: VqBuf | null = null;

  constructor(
    readonly mem: Memory,
    readonly num: number,
  ) {
    this.lock = spinLockInit(mem, 'vq_lock');
  }

  /** virtqueue_add_inbuf(): the ring owns buf until get_buf() returns it. -1 when full. */
  addBuf(buf: VqBuf): number {
    if (this.desc.size >= this.num) return -1;
    const id = this.nextId++;
    this.desc.set(id, buf);
    return id;
  }

  /** The device consumed descriptor id (the simulated host side). */
  deviceUse(id: number): void {
    const buf = this.desc.get(id);
    if (buf === undefined) return;
    writeRaw(buf, new Uint8Array([0x55, id & 0xff]), 0);
    this.used.push(id);
  }

  /** virtqueue_get_buf(): the next used buffer, back to the driver's ownership. */
  getBuf(): VqBuf | null {
    const id = this.used.shift();
    if (id === undefined) return null;
    const buf = this.desc.get(id) ?? null;
    this.desc.delete(id);
    this.lastUsed = buf;
    return buf;
  }

  /** virtqueue_detach_unused_buf(): one buffer the device never used, or null. */
  detachUnused(): VqBuf | null {
    for (const [id, buf] of this.desc) {
      this.desc.delete(id);
      const u = this.used.indexOf(id);
      if (u >= 0) this.used.splice(u, 1);
      return buf;
    }
    return null;
  }

  /** Frees every buffer still in the ring (device reset). */
  freeUnused(): number {
    let n = 0;
    for (let buf = this.detachUnused(); buf !== null; buf = this.detachUnused()) {
      kfree(buf);
      n++;
    }
    return n;
  }

  inFlight(): number {
    return this.desc.size;
  }
}

/** Allocates an rx buffer of the virtio-net header + small packet size. */
export function allocRxBuf(mem: Memory, gfp: Gfp): VqBuf | null {
  return kmalloc(mem, 256, gfp);
}

/** The same from atomic context (the refill timer under the vq lock). */
export function allocRxBufAtomic(ctx: AtomicContext): VqBuf | null {
  return kmalloc(ctx, 256, GFP_ATOMIC);
}

/** The driver's cache of request headers (virtio-blk's virtblk_req). */
export class ReqCache {
  readonly cache: KmemCache<'virtblk_req'>;
  live = 0;

  constructor(readonly mem: Memory) {
    this.cache = kmemCacheCreate(mem, 'virtblk_req', 96);
  }

  alloc(gfp: Gfp): SlabObject<'virtblk_req'> | null {
    const req = kmemCacheAlloc(this.mem, this.cache, gfp);
    if (req !== null) this.live++;
    return req;
  }

  free(req: SlabObject<'virtblk_req'>): void {
    kmemCacheFree(this.cache, req);
    this.live--;
  }

  destroy(): void {
    kmemCacheDestroy(this.cache);
  }
}

export function newReqCache(mem: Memory): ReqCache {
  return new ReqCache(mem);
}

export const RX_GFP: Gfp = GFP_KERNEL;
