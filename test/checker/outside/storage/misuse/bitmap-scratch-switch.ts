import { vmalloc, vfree, readRaw, writeRaw, type Memory } from 'memdesc';
import { FsBitmap } from '../lib/bitmap.js';

type Op = 'check' | 'repair' | 'skip';

function fsck(mem: Memory, bm: FsBitmap, op: Op): number {
  const scratch = vmalloc(mem, bm.bytes); // expect: leak
  if (!scratch) return -12;
  const copy = new Uint8Array(bm.bytes);
  readRaw(bm.area, copy, 0);
  switch (op) {
    case 'check':
      writeRaw(scratch, copy, 0);
      vfree(scratch);
      return 0;
    case 'repair':
      copy[0] = 0xff;
      writeRaw(scratch, copy, 0);
      writeRaw(bm.area, copy, 0);
      return 1; // expect-also: leak
    default:
      vfree(scratch);
      return 0;
  }
}

export function run(mem: Memory): void {
  const bm = FsBitmap.create(mem, 8192);
  if (!bm) return;
  fsck(mem, bm, 'check');
  fsck(mem, bm, 'repair');
  bm.destroy();
}
