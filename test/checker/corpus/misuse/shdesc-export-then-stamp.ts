/**
 * PRIME export: the exporter moves its Owned handle into the shared reference, then stamps the old one.
 *
 * Kernel: dma_buf_export() turns the exporter's private buffer into a shared dma-buf.
 * Protocol: exportDmaBuf() calls intoShared(), which moves its argument: after it the
 * exporter has only the returned ARef, and uses it for every access.
 * retireDmaBuf() takes the buffer back (tryFromShared) and frees or puts it.
 */
import { type Memory } from 'memdesc';
import { allocDmaBuf, exportDmaBuf, readDmaBufTag, retireDmaBuf, stampDmaBuf } from '../lib/shdesc.js';

export function run(mem: Memory): void {
  const owned = allocDmaBuf(mem);
  if (owned === null) return;
  const shared = exportDmaBuf(owned); // intoShared(): owned is moved
  stampDmaBuf(owned, 0x2a); // expect: use-after-move
  const tag = readDmaBufTag(shared);
  retireDmaBuf(shared);
  if (tag !== 0x2a) throw new Error('stamp lost');
}
