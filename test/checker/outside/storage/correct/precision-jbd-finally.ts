import { type Memory } from 'memdesc';
import { Journal, bhWrite, bhRead, brelse } from '../lib/journal.js';

function checkBlock(b: Uint8Array): void {
  if (b[0] !== 0x11) throw new Error('bad magic');
}

/** try/finally releases the buffer head whether the check throws or not. */
export function run(mem: Memory): void {
  const j = new Journal(mem);
  for (const magic of [0x11, 0x22]) {
    const bh = j.getblk(1);
    if (!bh) return;
    try {
      bhWrite(bh, new Uint8Array([magic]));
      const b = new Uint8Array(1);
      bhRead(bh, b);
      checkBlock(b);
    } catch {
      // a corrupt superblock copy: skip it
    } finally {
      brelse(bh);
    }
  }
}
