import { type Memory } from 'memdesc';
import { TtmPool, ttmFreeBlock, type TtmChunk } from '../lib/ttm-pool.js';

type Caching = 'cached' | 'wc' | 'uncached';

/** ttm_pool_free_page(): write-combined blocks get their attribute reset before they go. */
function releaseChunk(pool: TtmPool, chunk: TtmChunk, caching: Caching): void {
  switch (caching) {
    case 'wc':
    case 'uncached':
      // set_pages_wb(): back to write-back, then the block cannot be pooled
      ttmFreeBlock(chunk.block, chunk.order); // expect-also: double-free
    // falls through
    case 'cached':
      ttmFreeBlock(chunk.block, chunk.order); // expect: double-free
      break;
  }
  if (pool.cached(chunk.order) < 0) throw new Error('pool');
}

export function run(mem: Memory): void {
  const pool = new TtmPool(mem);
  const chunks: TtmChunk[] = [];
  for (const order of [2, 0]) {
    const block = pool.alloc(order);
    if (block !== null) chunks.push({ block, order });
  }
  releaseChunk(pool, chunks[0]!, 'cached');
  releaseChunk(pool, chunks[1]!, 'wc');
  pool.fini();
}
