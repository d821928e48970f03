import { allocPage, freePage, kmalloc, kfree, GFP_KERNEL, type Memory } from 'memdesc';

export function run(mem: Memory): void {
  const cleanups: (() => void)[] = [];
  const p = allocPage(mem, GFP_KERNEL);
  if (p) cleanups.push(() => freePage(p));
  const k = kmalloc(mem, 32, GFP_KERNEL);
  if (k) cleanups.push(() => kfree(k));
  for (const c of cleanups.reverse()) c();
}
