import { type Memory } from 'memdesc';
import { Journal, bhWrite, bhRead, type BufferHead } from '../lib/journal.js';

export function run(mem: Memory): void {
  const j = new Journal(mem);
  const tx = j.start();
  let inode: BufferHead | null = null;
  for (const blk of [10, 11, 12]) {
    const bh = j.getblk(blk);
    if (!bh) break;
    bhWrite(bh, new Uint8Array([blk]));
    if (blk === 11) inode = bh;
    tx.add(bh);
  }
  if (inode) {
    const b = new Uint8Array(1);
    bhRead(inode, b);
  }
  j.commit(tx);
}
