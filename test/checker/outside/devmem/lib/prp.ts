// NVMe PRP list pages, after drivers/nvme/host/pci.c: a small pool of list pages (the driver's
// dma_pool), refilled from process context, taken under the queue lock when a command is built,
// and given back on completion or abort.
import { allocPage, freePage, writeRaw, spinLockInit, GFP_KERNEL, type Memory, type Owned, type Page, type SpinLock } from 'memdesc';

export type PrpPage = Owned<Page<0>>;
export const PRPS_PER_PAGE = 512;

export class PrpPool {
  free: PrpPage[] = [];
  /** Pages kept cached on put(); beyond that they go back to the page allocator. */
  constructor(readonly name: string, readonly maxCached: number) {}

  /** May sleep: allocates with GFP_KERNEL. Process context only. */
  refill(mem: Memory, n: number): number {
    let added = 0;
    while (added < n) {
      const page = allocPage(mem, GFP_KERNEL);
      if (page === null) break;
      this.free.push(page);
      added++;
    }
    return added;
  }

  /** dma_pool_alloc(GFP_ATOMIC)-like: a list page from the pool, or null when it is empty. */
  get(): PrpPage | null {
    return this.free.pop() ?? null;
  }

  put(page: PrpPage): void {
    if (this.free.length >= this.maxCached) freePage(page);
    else this.free.push(page);
  }

  destroy(): void {
    for (const page of this.free) freePage(page);
    this.free = [];
  }
}

export interface NvmeCmd {
  cid: number;
  nsid: number;
  lengthBytes: number;
  prpList: PrpPage[];
  status: 'building' | 'submitted' | 'done' | 'aborted';
}

export class NvmeQueue {
  readonly lock: SpinLock;
  readonly inflight = new Map<number, NvmeCmd>();
  nextCid = 1;
  constructor(mem: Memory, readonly qid: number, readonly pool: PrpPool) {
    this.lock = spinLockInit(mem, `nvmeq-${qid}`);
  }
}

/** Writes the PRP entries of one list page. */
export function fillPrpPage(page: PrpPage, firstDmaAddr: number, count: number): void {
  const entries = new Uint8Array(count * 8);
  const dv = new DataView(entries.buffer);
  for (let i = 0; i < count; i++) dv.setBigUint64(i * 8, BigInt(firstDmaAddr + i * 4096), true);
  writeRaw(page, entries, 0);
}

/** nvme_free_prps(): every list page of the command back to the pool. */
export function freePrps(pool: PrpPool, cmd: NvmeCmd): void {
  for (const page of cmd.prpList) pool.put(page);
  cmd.prpList = [];
}
