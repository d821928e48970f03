/**
 * Integrity verification kmaps the metadata page and frees the metadata from the verify helper.
 *
 * Kernel: bio integrity verification kmaps the protection-information buffer.
 * Protocol: the metadata memdesc is freed (memdescFree) only after its page is unmapped;
 * the verify helper must not free it from inside the mapping.
 */
import { memdescPage, withPageMapped, type Memory, type Owned } from 'memdesc';
import { allocBlkMeta, freeBlkMeta, type BlkMeta } from '../lib/shdesc.js';

function verifyAndComplete(meta: Owned<BlkMeta>, view: Uint8Array): boolean {
  const ok = view[0] === 0;
  freeBlkMeta(meta); // expect-also: free-while-mapped
  return ok;
}

export function run(mem: Memory): void {
  const meta = allocBlkMeta(mem);
  if (meta === null) return;
  withPageMapped(memdescPage(meta, 0), (view) => verifyAndComplete(meta, view)); // expect: free-while-mapped
}
