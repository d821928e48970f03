/**
 * tryFromShared() while an importer still holds a reference returns an ARef: put it; the importer's put frees.
 *
 * Kernel: dma_buf_put() by the exporter while an importer still holds the buffer.
 * Protocol: tryFromShared() with other references alive returns an ARef (not unique),
 * which retireDmaBuf() puts; the importer's put is the last one.
 */
import { memdescPut, type Memory } from 'memdesc';
import { allocDmaBuf, exportDmaBuf, importDmaBuf, readDmaBufTag, retireDmaBuf, stampDmaBuf } from '../lib/shdesc.js';

export function run(mem: Memory): void {
  const owned = allocDmaBuf(mem);
  if (owned === null) return;
  stampDmaBuf(owned, 5);
  const shared = exportDmaBuf(owned);
  const importer = importDmaBuf(shared);
  const freed = retireDmaBuf(shared); // not unique: the importer still holds one
  if (freed) throw new Error('freed under an importer');
  if (readDmaBufTag(importer) !== 5) throw new Error('tag lost');
  memdescPut(importer); // the last reference
}
