import { vmalloc, vfree, vmallocPageIter, pageToPfn, GFP_KERNEL, type Memory } from 'memdesc';

function* pfns(mem: Memory): Generator<number> {
  const area = vmalloc(mem, 3 * 4096, GFP_KERNEL);
  if (!area) return;
  try {
    for (const p of vmallocPageIter(area)) yield pageToPfn(p);
  } finally {
    vfree(area);
  }
}

export function run(mem: Memory): void {
  const all = [...pfns(mem)];
  void all;
}
