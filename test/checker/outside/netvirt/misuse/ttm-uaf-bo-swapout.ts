import { readRaw, type Memory } from 'memdesc';
import { TtmPool, TtmTt } from '../lib/ttm-pool.js';

/** A buffer object that remembers its first block for CPU mappings (bo->kmap cache). */
class Bo {
  readonly tt: TtmTt;
  kmapCache: TtmTt['chunks'][number]['block'] | null = null;
  constructor(pool: TtmPool) {
    this.tt = new TtmTt(pool);
  }
  populate(npages: number): boolean {
    if (!this.tt.populate(npages)) return false;
    this.kmapCache = this.tt.chunks[0]?.block ?? null;
    return true;
  }
  /** ttm_bo_swapout(): pages go back to the pool. */
  swapout(): void {
    this.tt.unpopulate();
  }
  peek(): number {
    if (this.kmapCache === null) return -1;
    const b = new Uint8Array(1);
    readRaw(this.kmapCache, b, 0); // expect: use-after-free
    return b[0]!;
  }
}

export function run(mem: Memory): void {
  const pool = new TtmPool(mem);
  const bo = new Bo(pool);
  if (!bo.populate(5)) return;
  bo.swapout();
  pool.shrink(8); // memory pressure trims the pool
  const v = bo.peek();
  pool.fini();
  if (v !== 0) throw new Error('peek');
}
