import { ptdescAddress, readRaw, type Memory } from 'memdesc';
import { ExtentTree, allocLeaf } from '../lib/extent.js';

function dumpIndex(tree: ExtentTree): Uint8Array {
  const b = new Uint8Array(16);
  readRaw(ptdescAddress(tree.index), b, 0);
  return b;
}

export function run(mem: Memory): void {
  const tree = ExtentTree.create(mem);
  if (!tree) return;
  const leaf = allocLeaf(mem, 3);
  if (leaf) tree.insert(3, leaf);
  const before = dumpIndex(tree);
  const after = dumpIndex(tree);
  tree.destroy(); // umount
  if (before[3] !== after[3]) throw new Error('index changed');
}
