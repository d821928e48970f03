import { memdescFree, memdescPut, intoShared, type Memory } from 'memdesc';
import { allocLeaf, type LeafOwned, type LeafRef } from '../lib/extent.js';

function publish(leaf: LeafOwned, readers: LeafRef[]): void {
  readers.push(intoShared(leaf));
}

export function run(mem: Memory): void {
  const readers: LeafRef[] = [];
  const leaves: LeafOwned[] = [];
  for (let i = 0; i < 3; i++) {
    const l = allocLeaf(mem, i);
    if (l) leaves.push(l);
  }
  const first = leaves.shift();
  if (first) publish(first, readers);
  for (const l of leaves) memdescFree(l);
  for (const r of readers) memdescPut(r);
}
