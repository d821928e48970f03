import { type Memory } from 'memdesc';
import { FsBitmap, testBitIn } from '../lib/bitmap.js';

export function run(mem: Memory): void {
  const bm = FsBitmap.create(mem, 4096 * 8);
  if (!bm) return;
  bm.set(5);
  bm.grow(4096 * 8 * 3); // online resize
  const used = testBitIn(bm.area, 5);
  bm.destroy();
  if (!used) throw new Error('bit lost');
}
