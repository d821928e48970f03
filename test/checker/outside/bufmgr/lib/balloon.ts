// A virtio-balloon-like driver: inflate takes pages from the guest and hands their pfns to the
// host; deflate takes them back and frees them; a shrinker deflates under memory pressure.
import {
  allocPage, freePage, pageToPfn, spinLockInit, withSpinLock, shrinkerAlloc, shrinkerRegister,
  shrinkerFree, gfp, GFP_HIGHUSER_MOVABLE, __GFP_NOWARN, __GFP_NORETRY, SHRINK_EMPTY, SHRINK_STOP,
  type Memory, type Owned, type Page, type SpinLock, type Shrinker, type Live,
} from 'memdesc';

export const BALLOON_GFP = gfp(GFP_HIGHUSER_MOVABLE, __GFP_NOWARN, __GFP_NORETRY);

/** The host side of the virtqueue: it records the pfns it was given. */
export class BalloonHost {
  readonly pfns = new Set<number>();
  constructor(readonly limit: number) {}

  get full(): boolean {
    return this.pfns.size >= this.limit;
  }

  tellInflate(pfns: readonly number[]): void {
    for (const p of pfns) this.pfns.add(p);
  }

  tellDeflate(pfns: readonly number[]): void {
    for (const p of pfns) this.pfns.delete(p);
  }

  /** An asynchronous virtqueue kick: resolves once the host has seen the buffer. */
  async kick(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

interface BalloonNode {
  page: Owned<Page<0>>;
  next: BalloonNode | null;
}

/** balloon_dev_info: the inflated pages, a singly linked list under pages_lock. */
export class BalloonDev {
  readonly lock: SpinLock;
  #head: BalloonNode | null = null;
  #count = 0;
  shrinker: Shrinker | null = null;

  constructor(mem: Memory, readonly host: BalloonHost) {
    this.lock = spinLockInit(mem, 'balloon_pages_lock');
  }

  get count(): number {
    return this.#count;
  }

  /** balloon_page_alloc(): may sleep; call without the lock. */
  static allocPage(mem: Memory): Owned<Page<0>> | null {
    return allocPage(mem, BALLOON_GFP);
  }

  /** balloon_page_enqueue(): the balloon owns the page from now on. */
  enqueue(page: Owned<Page<0>> & Live): void {
    withSpinLock(this.lock, () => {
      this.#head = { page, next: this.#head };
      this.#count++;
    });
  }

  /** balloon_page_dequeue(): takes a page back; the caller owns it. */
  dequeue(): Owned<Page<0>> | null {
    return withSpinLock(this.lock, () => {
      const node = this.#head;
      if (node === null) return null;
      this.#head = node.next;
      this.#count--;
      return node.page;
    });
  }

  /** fill_balloon(): inflates by up to n pages; returns how many were added. */
  inflate(mem: Memory, n: number): number {
    const pfns: number[] = [];
    for (let i = 0; i < n && !this.host.full; i++) {
      const page = BalloonDev.allocPage(mem);
      if (page === null) break;
      pfns.push(pageToPfn(page));
      this.enqueue(page);
    }
    this.host.tellInflate(pfns);
    return pfns.length;
  }

  /** leak_balloon(): deflates by up to n pages and frees them. */
  deflate(n: number): number {
    const pfns: number[] = [];
    for (let i = 0; i < n; i++) {
      const page = this.dequeue();
      if (page === null) break;
      pfns.push(pageToPfn(page));
      freePage(page);
    }
    this.host.tellDeflate(pfns);
    return pfns.length;
  }

  /** virtio_balloon_register_shrinker(). */
  registerShrinker(mem: Memory): void {
    const s = shrinkerAlloc(mem, 0, 'virtio-balloon');
    s.countObjects = () => (this.#count === 0 ? SHRINK_EMPTY : this.#count);
    s.scanObjects = (_s, sc) => {
      const freed = this.deflate(sc.nrToScan);
      return freed === 0 ? SHRINK_STOP : freed;
    };
    shrinkerRegister(s);
    this.shrinker = s;
  }

  /** The OOM notifier / shrinker entry, callable directly. */
  shrink(nr: number): number {
    const s = this.shrinker;
    if (s === null || s.scanObjects === null) return 0;
    return s.scanObjects(s, { gfpMask: 0, nid: 0, nrToScan: nr, nrScanned: 0 });
  }

  /** remove_common(): deflates everything and unregisters the shrinker. */
  remove(): void {
    while (this.deflate(64) > 0) {
      /* keep going */
    }
    if (this.shrinker !== null) shrinkerFree(this.shrinker);
    this.shrinker = null;
  }
}
