import { type Memory } from 'memdesc';
import { ExtentTree, allocLeaf, dropLeaf, type Leaf } from '../lib/extent.js';

export function run(mem: Memory): void {
  const tree = ExtentTree.create(mem);
  if (!tree) return;
  for (const lblk of [0, 4, 8, 12]) {
    const l = allocLeaf(mem, lblk);
    if (l) tree.insert(lblk, l);
  }
  const deferred: { leaf: Leaf; shared: boolean }[] = [];
  for (const lblk of [4, 8]) {
    const r = tree.remove(lblk);
    if (!r) continue;
    dropLeaf(r.leaf, r.shared);
    deferred.push(r); // RCU-style deferred free, for readers still walking
  }
  for (const r of deferred) dropLeaf(r.leaf, r.shared); // expect: double-free
  tree.destroy();
}
