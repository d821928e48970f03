/** Two pages mapped one inside the other; values computed under the mappings, both pages freed after the unmaps. */
import { allocPage, freePage, withPageMapped, writeRaw, GFP_KERNEL, type Memory } from 'memdesc';

export function run(mem: Memory): void {
  const src = allocPage(mem, GFP_KERNEL);
  const dst = allocPage(mem, GFP_KERNEL);
  if (src === null || dst === null) {
    if (src !== null) freePage(src);
    if (dst !== null) freePage(dst);
    return;
  }
  writeRaw(src, new Uint8Array([4, 5, 6]), 0);
  const copied = withPageMapped(src, (from) => withPageMapped(dst, (to) => {
    to.set(from.subarray(0, 3));
    return to[2];
  }));
  console.assert(copied === 6);
  freePage(src);
  freePage(dst);
}
