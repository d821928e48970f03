import { allocPage, freePage, writeRaw, GFP_KERNEL, type Memory, type Owned, type Page } from 'memdesc';

function bail(msg: string): never {
  throw new Error(msg);
}

function release(p: Owned<Page<0>>, why: string): void {
  freePage(p);
  throw new Error(why);
}

function setup(mem: Memory, bad: boolean): Owned<Page<0>> {
  const p = allocPage(mem, GFP_KERNEL);
  if (!p) bail('ENOMEM');
  if (bad) {
    freePage(p);
    bail('bad');
  }
  writeRaw(p, new Uint8Array([1]), 0);
  return p;
}

export function run(mem: Memory): void {
  const p = setup(mem, false);
  freePage(p);
  try {
    setup(mem, true);
  } catch {
    /* expected */
  }
  const q = allocPage(mem, GFP_KERNEL);
  if (!q) return;
  try {
    release(q, 'done');
  } catch {
    /* released */
  }
}
