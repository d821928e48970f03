import { allocPage, freePage, GFP_KERNEL, type Memory, type Owned, type Page } from 'memdesc';

export function run(mem: Memory): void {
  const slots: (Owned<Page<0>> | null)[] = [null, null];
  slots[0] = allocPage(mem, GFP_KERNEL);
  const i = 0;
  const a = slots[i];
  if (a) freePage(a);
  slots[i] = null;
  for (const p of slots) if (p) freePage(p);
  const b = allocPage(mem, GFP_KERNEL);
  if (!b) return;
  const list = [b];
  const x = list[0];
  if (x) freePage(x);
  list.length = 0;
  list.push(...[]);
  for (const y of list) freePage(y);
}
