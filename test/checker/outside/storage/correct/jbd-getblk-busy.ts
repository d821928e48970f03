import { type Memory } from 'memdesc';
import { Journal, bhWrite, brelse } from '../lib/journal.js';

function logBlocks(j: Journal, blocks: number[], busy: Set<number>): number {
  const tx = j.start();
  let n = 0;
  for (const blk of blocks) {
    const bh = j.getblk(blk);
    if (!bh) break;
    if (busy.has(blk)) {
      j.abort(tx);
      brelse(bh);
      return -16;
    }
    bhWrite(bh, new Uint8Array([blk]));
    tx.add(bh);
    n++;
  }
  j.commit(tx);
  return n;
}

export function run(mem: Memory): void {
  const j = new Journal(mem);
  logBlocks(j, [1, 2, 3], new Set([2]));
}
