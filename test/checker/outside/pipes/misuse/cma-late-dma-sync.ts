// A CMA-like area allocator: device drivers get high-order blocks by id; the last DMA
// transfer is synced back (cache maintenance + status word) when the stream stops.
import { allocPages, freePages, writeRaw, readRaw, GFP_KERNEL, type Memory, type Owned, type Page } from 'memdesc';

const BLOCK_ORDER = 3;
type CmaBlock = Owned<Page<typeof BLOCK_ORDER>>;

function must<T>(v: T | undefined, what: string): T {
  if (v === undefined) throw new Error(`${what} not found`);
  return v;
}

class CmaArea {
  private blocks = new Map<number, CmaBlock>();
  private nextId = 1;
  constructor(readonly mem: Memory, readonly name: string) {}
  alloc(): number {
    const b = allocPages(this.mem, GFP_KERNEL, BLOCK_ORDER);
    if (b === null) return 0;
    const id = this.nextId++;
    this.blocks.set(id, b);
    return id;
  }
  lookup(id: number): CmaBlock | undefined {
    return this.blocks.get(id);
  }
  /** cma_release() */
  release(id: number): void {
    const b = this.blocks.get(id);
    if (b === undefined) return;
    this.blocks.delete(id);
    freePages(b, BLOCK_ORDER);
  }
  get inUse(): number {
    return this.blocks.size;
  }
}

function streamOff(cma: CmaArea, id: number, status: number): void {
  const buf = must(cma.lookup(id), 'dma block');
  cma.release(id);
  // sync the final status word for the consumer
  writeRaw(buf, new Uint8Array([status, 0, 0, 0]), 0); // expect: use-after-free
}

export function run(mem: Memory): void {
  const cma = new CmaArea(mem, 'reserved-video');
  const a = cma.alloc();
  const b = cma.alloc();
  if (a === 0 || b === 0) {
    cma.release(a);
    cma.release(b);
    return;
  }
  const hdr = new Uint8Array(4);
  readRaw(must(cma.lookup(a), 'dma block'), hdr, 0);
  streamOff(cma, a, 1);
  streamOff(cma, b, 2);
}
