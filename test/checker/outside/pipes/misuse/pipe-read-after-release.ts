// pipe_read(): drain the ring into a user buffer; the reader drops each buffer's reference.
import type { Memory } from 'memdesc';
import { folioPut } from 'memdesc';
import { PipeRing, newPipeBuffer, readPipeBuffer, type PipeBuffer } from '../lib/pipe-ring.js';

function consumeBuffer(buf: PipeBuffer, sink: Uint8Array[]): void {
  const { folio } = buf;
  folioPut(folio); // release the slot's reference first (buggy ordering)
  sink.push(readPipeBuffer(buf)); // expect: use-after-free
}

export function run(mem: Memory): void {
  const pipe = new PipeRing(mem, 4);
  for (const msg of ['hello', 'splice', 'world']) {
    const buf = newPipeBuffer(mem, new TextEncoder().encode(msg));
    if (buf === null) break;
    if (!pipe.push(buf)) {
      folioPut(buf.folio);
      break;
    }
  }
  const out: Uint8Array[] = [];
  for (let b = pipe.pop(); b !== undefined; b = pipe.pop()) consumeBuffer(b, out);
  pipe.release();
}
