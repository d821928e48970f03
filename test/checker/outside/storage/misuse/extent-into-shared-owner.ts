import { memdescPut, memdescAddress, readRaw, intoShared, type Memory } from 'memdesc';
import { allocLeaf, type LeafOwned } from '../lib/extent.js';

interface Snapshot { leaf: LeafOwned; gen: number }

export function run(mem: Memory): void {
  const leaf = allocLeaf(mem, 9);
  if (!leaf) return;
  const snap: Snapshot = { leaf, gen: 1 };
  const shared = intoShared(leaf); // reflink: the leaf is shared from now on
  const b = new Uint8Array(1);
  readRaw(memdescAddress(snap.leaf), b, 0); // expect: use-after-move
  memdescPut(shared);
}
