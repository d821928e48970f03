import { type Memory } from 'memdesc';
import { Journal, bhWrite, type BufferHead } from '../lib/journal.js';

function journalBlock(tx: { add(bh: BufferHead): void }, bh: BufferHead, data: Uint8Array): boolean {
  tx.add(bh);
  if (data.length > 8) {
    return false;
  }
  bhWrite(bh, data);
  return true;
}

export function run(mem: Memory): void {
  const j = new Journal(mem);
  const tx = j.start();
  let ok = true;
  for (const [blk, len] of [[1, 4], [2, 16]] as const) {
    const bh = j.getblk(blk);
    if (!bh) { ok = false; break; }
    if (!journalBlock(tx, bh, new Uint8Array(len))) { ok = false; break; }
  }
  if (ok) j.commit(tx);
  else j.abort(tx);
}
