import { withPageMapped, type Memory } from 'memdesc';
import { TtmPool, ttmFreeBlock, type TtmChunk } from '../lib/ttm-pool.js';

/** Clears a block through a CPU mapping, unmaps it, then releases it. */
function clearAndRelease(chunk: TtmChunk): void {
  withPageMapped(chunk.block, (view) => {
    view.fill(0);
  });
  ttmFreeBlock(chunk.block, chunk.order);
}

export function run(mem: Memory): void {
  const pool = new TtmPool(mem);
  const block = pool.alloc(2);
  if (block === null) return;
  clearAndRelease({ block, order: 2 });
  pool.fini();
}
