import { kmalloc, kfree, GFP_KERNEL, type Memory, type KmallocPtr } from 'memdesc';

export function run(mem: Memory): void {
  const m = new Map<string, KmallocPtr>();
  for (const k of ['a', 'b', 'c']) {
    const p = kmalloc(mem, 16, GFP_KERNEL);
    if (p) m.set(k, p);
  }
  const a = m.get('a');
  if (a) {
    kfree(a);
    m.delete('a');
  }
  for (const [k, v] of m) {
    kfree(v);
    m.delete(k);
  }
  for (const v of m.values()) kfree(v);
}
