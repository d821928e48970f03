import { memdescFree, type Memory } from 'memdesc';
import { allocLeaf, leafStart, type LeafOwned } from '../lib/extent.js';

export function run(mem: Memory): void {
  const cache = new Map<number, LeafOwned>();
  const fill = (lblk: number): void => {
    const leaf = allocLeaf(mem, lblk);
    if (!leaf) return;
    const old = cache.get(lblk & ~3);
    if (old) memdescFree(old);
    cache.set(lblk & ~3, leaf);
  };
  fill(0);
  fill(4);
  fill(5); // a second extent in the same 4-block group
  let sum = 0;
  for (const l of cache.values()) sum += leafStart(l);
  for (const l of cache.values()) memdescFree(l);
  if (sum < 0) throw new Error('bad');
}
