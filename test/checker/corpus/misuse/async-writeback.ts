/** Writeback is started (an async continuation that needs the folio) and the folio is put before it completes. */
import { folioAlloc, folioPut, GFP_KERNEL, type ARef, type Folio, type Memory } from 'memdesc';
import { fillFolio, folioChecksum } from '../lib/folios.js';
import { ioComplete } from '../lib/io.js';

async function writeBack(folio: ARef<Folio<0>>): Promise<number> {
  await ioComplete();
  return folioChecksum(folio); // expect: use-after-free
}

export async function run(mem: Memory): Promise<void> {
  const folio = folioAlloc(mem, GFP_KERNEL, 0);
  if (folio === null) return;
  fillFolio(folio, new Uint8Array([1, 2, 3]));
  const pending = writeBack(folio);
  folioPut(folio); // expect-also: use-after-free
  await pending;
}
