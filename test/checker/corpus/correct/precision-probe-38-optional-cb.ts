import { allocPage, freePage, GFP_KERNEL, type Memory, type Owned, type Page } from 'memdesc';

interface Ops {
  release?: (p: Owned<Page<0>>) => void;
}

function finish(p: Owned<Page<0>>, ops: Ops): void {
  if (ops.release) ops.release(p);
  else freePage(p);
}

export function run(mem: Memory): void {
  const a = allocPage(mem, GFP_KERNEL);
  if (a) finish(a, {});
  const b = allocPage(mem, GFP_KERNEL);
  if (b) finish(b, { release: (p) => freePage(p) });
}
