import { memdescFree, type Memory } from 'memdesc';
import { ExtentTree, allocLeaf, dropLeaf, type LeafOwned } from '../lib/extent.js';

/** Leaves handed to the tree (a longer-lived owner); one removed and dropped by the caller. */
export function run(mem: Memory): void {
  const tree = ExtentTree.create(mem);
  if (!tree) return;
  const staged: LeafOwned[] = [];
  for (const lblk of [0, 1, 2]) {
    const l = allocLeaf(mem, lblk);
    if (l) staged.push(l);
  }
  const spare = staged.pop();
  staged.forEach((l, i) => tree.insert(i, l));
  if (spare) memdescFree(spare);
  const r = tree.remove(0);
  if (r) dropLeaf(r.leaf, r.shared);
  tree.destroy();
}
