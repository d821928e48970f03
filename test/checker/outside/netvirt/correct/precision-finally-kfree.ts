import { kfree, writeRaw, type Memory } from 'memdesc';
import { allocRxBuf, RX_GFP } from '../lib/virtio-ring.js';

function parse(n: number): number {
  if (n === 2) throw new Error('malformed');
  return n;
}

/** The scratch buffer is freed in `finally` whether parsing throws or not. */
export function run(mem: Memory): void {
  let ok = 0;
  for (let i = 0; i < 4; i++) {
    const scratch = allocRxBuf(mem, RX_GFP);
    if (scratch === null) return;
    try {
      writeRaw(scratch, new Uint8Array([i]), 0);
      ok += parse(i);
    } catch {
      ok -= 1;
    } finally {
      kfree(scratch);
    }
  }
  if (ok === 0) throw new Error('ok');
}
