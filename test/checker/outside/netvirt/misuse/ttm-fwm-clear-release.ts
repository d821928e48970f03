import { withPageMapped, type Memory } from 'memdesc';
import { TtmPool, ttmFreeBlock, type TtmChunk } from '../lib/ttm-pool.js';

/** Clears a block through a CPU mapping before releasing it (the pool wants cleared blocks). */
function clearAndRelease(chunk: TtmChunk): void {
  withPageMapped(chunk.block, (view) => {
    view.fill(0);
    ttmFreeBlock(chunk.block, chunk.order); // expect: free-while-mapped
  });
}

export function run(mem: Memory): void {
  const pool = new TtmPool(mem);
  const block = pool.alloc(2);
  if (block === null) return;
  clearAndRelease({ block, order: 2 });
  pool.fini();
}
