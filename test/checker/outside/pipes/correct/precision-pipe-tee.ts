// tee(): duplicate buffers from one pipe into another; references balanced across helpers,
// ownership handed to the longer-lived ring, the rejected buffer released by the caller.
import { folioPut, folioRefCount, type Memory } from 'memdesc';
import { PipeRing, newPipeBuffer, dupPipeBuffer, readPipeBuffer, type PipeBuffer } from '../lib/pipe-ring.js';

/** Push or drop: the ring takes the buffer, otherwise we release it here. */
function pushOrRelease(ring: PipeRing, buf: PipeBuffer): boolean {
  if (ring.push(buf)) return true;
  folioPut(buf.folio);
  return false;
}

function tee(src: PipeRing, dst: PipeRing, n: number): number {
  const held: PipeBuffer[] = [];
  let copied = 0;
  for (let i = 0; i < n; i++) {
    const b = src.pop();
    if (b === undefined) break;
    if (pushOrRelease(dst, dupPipeBuffer(b))) copied++;
    held.push(b);
  }
  for (const b of held) {
    if (!src.push(b)) folioPut(b.folio);
  }
  return copied;
}

export function run(mem: Memory): void {
  const a = new PipeRing(mem, 4);
  const b = new PipeRing(mem, 2);
  for (const s of ['one', 'two', 'three']) {
    const buf = newPipeBuffer(mem, new TextEncoder().encode(s));
    if (buf !== null) pushOrRelease(a, buf);
  }
  tee(a, b, 3);
  const first = b.pop();
  if (first !== undefined) {
    readPipeBuffer(first);
    if (folioRefCount(first.folio) < 2) throw new Error('tee should share the folio');
    folioPut(first.folio);
  }
  b.release();
  a.release();
}
