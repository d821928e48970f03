import { vfree, type Memory } from 'memdesc';
import { FsBitmap } from '../lib/bitmap.js';

export function run(mem: Memory): void {
  const bm = FsBitmap.create(mem, 1024);
  if (!bm) return;
  const old = bm.area;
  bm.set(3);
  const grown = bm.grow(4096 * 8 * 2); // expect-also: double-free
  if (grown) vfree(old); // expect: double-free
  bm.destroy();
}
