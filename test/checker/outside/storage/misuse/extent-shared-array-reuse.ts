import { memdescPut, memdescAddress, readRaw, intoShared, type Memory } from 'memdesc';
import { allocLeaf, type LeafOwned, type LeafRef } from '../lib/extent.js';

export function run(mem: Memory): void {
  const owned: LeafOwned[] = [];
  for (let i = 0; i < 3; i++) {
    const l = allocLeaf(mem, i * 4);
    if (l) owned.push(l);
  }
  const shared: LeafRef[] = owned.map((l) => intoShared(l));
  let starts = 0;
  const b = new Uint8Array(1);
  for (const l of owned) {
    readRaw(memdescAddress(l), b, 0); // expect: use-after-move
    starts += b[0]!;
  }
  for (const r of shared) memdescPut(r);
  if (starts < 0) throw new Error('bad');
}
