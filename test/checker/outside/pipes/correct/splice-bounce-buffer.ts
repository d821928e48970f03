// splice() from a "device" into a pipe: either copy through a kmalloc'd bounce buffer
// or gift whole pages; the bounce buffer is cleaned up in finally.
import { kmalloc, kfree, readRaw, writeRaw, type Memory, GFP_KERNEL } from 'memdesc';
import { PipeRing, newPipeBuffer } from '../lib/pipe-ring.js';
import { folioPut } from 'memdesc';

type SpliceMode = 'copy' | 'gift';

function spliceToPipe(mem: Memory, pipe: PipeRing, src: Uint8Array, mode: SpliceMode): number {
  const bounce = kmalloc(mem, 256, GFP_KERNEL);
  if (bounce === null) return -12;
  try {
    switch (mode) {
      case 'copy': {
        writeRaw(bounce, src.subarray(0, 256), 0);
        const tmp = new Uint8Array(Math.min(src.length, 256));
        readRaw(bounce, tmp, 0);
        const buf = newPipeBuffer(mem, tmp);
        if (buf === null) return -12;
        if (!pipe.push(buf)) {
          folioPut(buf.folio);
          return -11;
        }
        return tmp.length;
      }
      case 'gift': {
        const buf = newPipeBuffer(mem, src);
        if (buf === null) return -12;
        if (!pipe.push(buf)) {
          folioPut(buf.folio);
          return -11;
        }
        return src.length;
      }
    }
  } finally {
    kfree(bounce);
  }
}

export function run(mem: Memory): void {
  const pipe = new PipeRing(mem, 4);
  const sd = kmalloc(mem, 256, GFP_KERNEL); // struct splice_desc for this transfer
  if (sd === null) return;
  const data = new TextEncoder().encode('splice me');
  spliceToPipe(mem, pipe, data, 'gift');
  spliceToPipe(mem, pipe, data, 'copy');
  pipe.release();
  kfree(sd);
}
