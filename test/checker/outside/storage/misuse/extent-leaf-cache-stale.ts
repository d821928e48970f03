import { type Memory } from 'memdesc';
import { ExtentTree, allocLeaf, dropLeaf, leafStart, type Leaf } from '../lib/extent.js';

export function run(mem: Memory): void {
  const tree = ExtentTree.create(mem);
  if (!tree) return;
  const lookupCache = new Map<number, Leaf>();
  for (const lblk of [0, 8, 16]) {
    const leaf = allocLeaf(mem, lblk);
    if (!leaf) continue;
    lookupCache.set(lblk, leaf);
    tree.insert(lblk, leaf);
  }
  const r = tree.remove(8); // punch hole
  if (r) dropLeaf(r.leaf, r.shared);
  let sum = 0;
  for (const leaf of lookupCache.values()) sum += leafStart(leaf); // expect: use-after-free
  tree.destroy();
  if (sum < 0) throw new Error('bad');
}
