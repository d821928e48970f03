/**
 * A segment loop allocates a bounce buffer per segment and overwrites the last one without freeing it.
 *
 * Kernel: blk_queue_bounce() copies segments a device cannot DMA to into bounce pages.
 * Protocol: each bounce buffer is owned by the loop iteration that allocated it and
 * must be freed (or handed to the request) before the variable is reused.
 */
import { writeRaw, type Memory, type Owned, type Page } from 'memdesc';
import { allocBounce, freeBounce } from '../lib/blkq.js';

export function run(mem: Memory): void {
  const segments = [512, 1024, 4096];
  let bounce: Owned<Page<2>> | null = null;
  for (const len of segments) {
    bounce = allocBounce(mem); // expect: leak
    if (bounce === null) return;
    writeRaw(bounce, new Uint8Array(len), 0); // copy the segment down
  }
  if (bounce !== null) freeBounce(bounce);
}
