import { type Memory } from 'memdesc';
import { TtmPool, ttmFreeBlock, type TtmBlock } from '../lib/ttm-pool.js';

/** Frees the block if it is a huge order the pool does not keep; says whether it did. */
function maybeRelease(block: TtmBlock, order: number): boolean {
  if (order < 4) return false;
  ttmFreeBlock(block, order);
  return true;
}

export function run(mem: Memory): void {
  const pool = new TtmPool(mem);
  for (const order of [4, 2, 0]) {
    const block = pool.alloc(order);
    if (block === null) continue;
    if (!maybeRelease(block, order)) pool.give(block, order);
  }
  pool.fini();
}
