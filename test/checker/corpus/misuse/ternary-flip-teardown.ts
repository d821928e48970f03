/**
 * A double-buffered display: switching modes frees the buffer not on screen (`?:` inside the free),
 * and teardown then frees both buffers.
 */
import { allocPage, freePage, GFP_KERNEL, type Memory } from 'memdesc';
import { fillPage } from '../lib/pages.js';

export function run(mem: Memory): void {
  const front = allocPage(mem, GFP_KERNEL);
  if (front === null) return;
  const back = allocPage(mem, GFP_KERNEL);
  if (back === null) {
    freePage(front);
    return;
  }
  fillPage(front, 0x11, 64);
  fillPage(back, 0x22, 64);
  const showingFront = front !== back; // single-buffered mode from here on
  freePage(showingFront ? back : front);
  // ... the display runs single-buffered ...
  freePage(front); // expect-also: double-free
  freePage(back); // expect: double-free
}
