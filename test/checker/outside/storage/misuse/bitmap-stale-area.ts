import { type Memory } from 'memdesc';
import { FsBitmap, testBitIn } from '../lib/bitmap.js';

export function run(mem: Memory): void {
  const bm = FsBitmap.create(mem, 4096 * 8);
  if (!bm) return;
  const { area } = bm;
  bm.set(5);
  bm.grow(4096 * 8 * 3); // online resize
  const used = testBitIn(area, 5); // expect: use-after-free
  bm.destroy();
  if (!used) throw new Error('bit lost');
}
