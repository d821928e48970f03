/** bio_integrity_prep(): metadata is allocated per protection type; the T10-PI type 3 case returns without it. */
import { memdescAddress, writeRaw, type Memory } from 'memdesc';
import { allocBlkMeta, freeBlkMeta } from '../lib/shdesc.js';

function integrityPrep(mem: Memory, piType: number): number {
  const meta = allocBlkMeta(mem); // expect: leak
  if (meta === null) return -12;
  switch (piType) {
    case 1:
    case 2:
      writeRaw(memdescAddress(meta), new Uint8Array([piType, 0, 0, 0]), 0);
      freeBlkMeta(meta); // verified and completed inline
      return 0;
    case 3:
      return 1; // expect-also: leak
    default:
      freeBlkMeta(meta);
      return -22;
  }
}

export function run(mem: Memory): void {
  for (const t of [1, 3, 9]) integrityPrep(mem, t);
}
