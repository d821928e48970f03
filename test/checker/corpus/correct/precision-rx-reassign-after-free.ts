/** The rx copy buffer variable is reused: freed at the end of each frame, reassigned for the next. */
import { allocPage, freePage, readRaw, writeRaw, GFP_KERNEL, type Memory } from 'memdesc';

export function run(mem: Memory): void {
  const frames = [new Uint8Array([1, 2]), new Uint8Array([3, 4]), new Uint8Array([5])];
  let copy = allocPage(mem, GFP_KERNEL);
  if (copy === null) return;
  let total = 0;
  for (const [i, f] of frames.entries()) {
    writeRaw(copy, f, 0);
    const back = new Uint8Array(f.length);
    readRaw(copy, back, 0);
    total += back.length;
    freePage(copy);
    if (i === frames.length - 1) return;
    copy = allocPage(mem, GFP_KERNEL); // a fresh page for the next frame
    if (copy === null) return;
  }
  if (total === 0) throw new Error('unreachable');
}
