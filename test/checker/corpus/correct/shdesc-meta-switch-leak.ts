/** bio_integrity_prep(): metadata is allocated per protection type and freed in every case. */
import { memdescAddress, writeRaw, type Memory } from 'memdesc';
import { allocBlkMeta, freeBlkMeta } from '../lib/shdesc.js';

function integrityPrep(mem: Memory, piType: number): number {
  const meta = allocBlkMeta(mem);
  if (meta === null) return -12;
  switch (piType) {
    case 1:
    case 2:
      writeRaw(memdescAddress(meta), new Uint8Array([piType, 0, 0, 0]), 0);
      freeBlkMeta(meta); // verified and completed inline
      return 0;
    case 3:
      freeBlkMeta(meta); // type 3 carries no reference tag: nothing to check
      return 1;
    default:
      freeBlkMeta(meta);
      return -22;
  }
}

export function run(mem: Memory): void {
  for (const t of [1, 3, 9]) integrityPrep(mem, t);
}
