/** A block-layer request queue: bios carry bare pages, requests carry bios. */
import { allocPages, freePages, allocPage, freePage, readRaw, writeRaw, GFP_KERNEL, GFP_NOIO, type Memory, type Owned, type Page } from 'memdesc';

export interface Bio {
  readonly sector: number;
  readonly pages: Owned<Page<0>>[];
  status: number;
}

export interface Request {
  readonly tag: number;
  readonly bios: Bio[];
}

/** bio_alloc() + bio_add_page() of nr fresh pages; null when any allocation fails (nothing kept). */
export function bioAlloc(mem: Memory, sector: number, nr: number): Bio | null {
  const pages: Owned<Page<0>>[] = [];
  for (let i = 0; i < nr; i++) {
    const p = allocPage(mem, GFP_NOIO);
    if (p === null) {
      for (const q of pages) freePage(q);
      return null;
    }
    pages.push(p);
  }
  return { sector, pages, status: 0 };
}

/** bio_put() of the last reference: frees the bio's pages. */
export function bioPut(bio: Bio): void {
  for (const p of bio.pages.splice(0)) freePage(p);
}

/** Reads the first byte of the bio's first page. */
export function bioFirstByte(bio: Bio): number {
  const p = bio.pages[0];
  if (p === undefined) return -1;
  const b = new Uint8Array(1);
  readRaw(p, b, 0);
  return b[0]!;
}

/** Fake device completion latency. */
export function ioTick(): Promise<void> {
  return Promise.resolve().then(() => undefined);
}

/** submit_bio_wait(): the device "reads" the sector, then the bio's end_io frees its pages. */
export async function submitBioAndRelease(bio: Bio): Promise<number> {
  await ioTick();
  const first = bio.pages[0];
  if (first !== undefined) writeRaw(first, new Uint8Array([bio.sector & 0xff]), 0);
  const status = bio.status;
  bioPut(bio);
  return status;
}

/** A request queue: requests wait in `pending` until the queue is run. */
export class RequestQueue {
  readonly pending: Request[] = [];
  completed = 0;

  add(req: Request): void {
    this.pending.push(req);
  }

  /** blk_mq_run_hw_queue(): completes every pending request and frees its bios' pages. */
  async run(): Promise<void> {
    await ioTick();
    for (const req of this.pending.splice(0)) {
      for (const bio of req.bios) bioPut(bio);
      this.completed++;
    }
  }

  /** blk_cleanup_queue(): pending requests are failed and their pages freed. */
  cleanup(): void {
    for (const req of this.pending.splice(0)) for (const bio of req.bios) bioPut(bio);
  }
}

/** A bounce buffer of order 2 for a DMA-limited device. */
export function allocBounce(mem: Memory): Owned<Page<2>> | null {
  return allocPages(mem, GFP_KERNEL, 2);
}

export function freeBounce(b: Owned<Page<2>>): void {
  freePages(b, 2);
}
