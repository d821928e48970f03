/**
 * PRIME export: the exporter stamps the buffer through the shared reference it got back.
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
  stampDmaBuf(shared, 0x2a);
  const tag = readDmaBufTag(shared);
  retireDmaBuf(shared);
  if (tag !== 0x2a) throw new Error('stamp lost');
}
