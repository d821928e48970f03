import { type Memory, type VmallocArea } from 'memdesc';
import { FsBitmap, testBitIn } from '../lib/bitmap.js';

/** The area alias is refreshed after each grow, never used stale. */
export function run(mem: Memory): void {
  const bm = FsBitmap.create(mem, 1024);
  if (!bm) return;
  let area: VmallocArea = bm.area;
  bm.set(7);
  for (const bits of [4096 * 8 * 2, 4096 * 8 * 4]) {
    if (!bm.grow(bits)) break;
    area = bm.area;
    if (!testBitIn(area, 7)) throw new Error('bit lost');
  }
  bm.destroy();
}
