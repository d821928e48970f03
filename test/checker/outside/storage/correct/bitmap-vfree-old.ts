import { type Memory } from 'memdesc';
import { FsBitmap } from '../lib/bitmap.js';

export function run(mem: Memory): void {
  const bm = FsBitmap.create(mem, 1024);
  if (!bm) return;
  bm.set(3);
  const grown = bm.grow(4096 * 8 * 2);
  if (!grown) throw new Error('ENOMEM'); // grow() freed the old area itself
  bm.destroy();
}
