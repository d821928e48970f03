import { memdescPut, memdescRefCount, type Memory } from 'memdesc';
import { ExtentTree, allocLeaf, leafStart } from '../lib/extent.js';

/** A snapshot shares a leaf (intoShared in the tree), drops its reference, and the tree takes it back. */
export function run(mem: Memory): void {
  const tree = ExtentTree.create(mem);
  if (!tree) return;
  const leaf = allocLeaf(mem, 5);
  if (!leaf) return tree.destroy();
  tree.insert(5, leaf);
  const snap = tree.share(5);
  if (snap) {
    if (memdescRefCount(snap) !== 2) throw new Error('refcount');
    leafStart(snap);
    memdescPut(snap);
  }
  if (!tree.unshare(5)) throw new Error('still shared');
  tree.destroy();
}
