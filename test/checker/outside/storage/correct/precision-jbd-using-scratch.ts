import { allocPage, writeRaw, readRaw, GFP_KERNEL, type Memory } from 'memdesc';
import { Journal, bhRead } from '../lib/journal.js';

/** `using` frees the scratch page at the end of the scope, on the early return too. */
function checksumBlock(mem: Memory, j: Journal, blk: number): number {
  using scratch = allocPage(mem, GFP_KERNEL);
  if (!scratch) return -12;
  const bh = j.getblk(blk);
  if (!bh) return -12;
  const tx = j.start();
  tx.add(bh);
  const b = new Uint8Array(1);
  bhRead(bh, b);
  writeRaw(scratch, b, 0);
  j.commit(tx);
  if (blk === 0) return 0;
  readRaw(scratch, b, 0);
  return b[0]!;
}

export function run(mem: Memory): void {
  const j = new Journal(mem);
  checksumBlock(mem, j, 0);
  checksumBlock(mem, j, 7);
}
