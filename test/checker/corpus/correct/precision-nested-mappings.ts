/** Two pages mapped at once (nested kmap_local), copied between, both freed after the mappings end. */
import { allocPage, freePage, withPageMapped, GFP_KERNEL, type Memory } from 'memdesc';

export function run(mem: Memory): void {
  const src = allocPage(mem, GFP_KERNEL);
  const dst = allocPage(mem, GFP_KERNEL);
  if (src === null || dst === null) {
    if (src !== null) freePage(src);
    if (dst !== null) freePage(dst);
    return;
  }
  withPageMapped(src, (s) => {
    s[0] = 0x42;
    withPageMapped(dst, (d) => d.set(s.subarray(0, 16)));
  });
  const copied = withPageMapped(dst, (d) => d[0]);
  freePage(src);
  freePage(dst);
  if (copied !== 0x42) throw new Error('copy failed');
}
