/**
 * Integrity verification kmaps the metadata page to verify; the metadata is freed after unmapping.
 *
 * Kernel: bio integrity verification kmaps the protection-information buffer.
 * Protocol: the metadata memdesc is freed (memdescFree) only after its page is unmapped;
 * the verify helper must not free it from inside the mapping.
 */
import { memdescPage, withPageMapped, type Memory } from 'memdesc';
import { allocBlkMeta, freeBlkMeta } from '../lib/shdesc.js';

function verify(view: Uint8Array): boolean {
  return view[0] === 0;
}

export function run(mem: Memory): void {
  const meta = allocBlkMeta(mem);
  if (meta === null) return;
  const ok = withPageMapped(memdescPage(meta, 0), (view) => verify(view));
  freeBlkMeta(meta); // bio_integrity_endio()
  if (!ok) throw new Error('integrity error');
}
