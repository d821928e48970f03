import { withPageMapped, type Memory } from 'memdesc';
import { Journal, brelse, type BufferHead } from '../lib/journal.js';

function copyOut(bh: BufferHead, dst: Uint8Array, release: boolean): void {
  withPageMapped(bh.data, (view) => {
    dst.set(view.subarray(0, dst.length));
  });
  if (release) brelse(bh);
}

export function run(mem: Memory): void {
  const j = new Journal(mem);
  const bh = j.getblk(5);
  if (!bh) return;
  const dst = new Uint8Array(32);
  copyOut(bh, dst, true);
}
