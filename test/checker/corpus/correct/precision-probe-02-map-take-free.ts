import { allocPage, freePage, writeRaw, GFP_KERNEL, type Memory, type Owned, type Page } from 'memdesc';

const table = new Map<number, Owned<Page<0>>>();

function insert(mem: Memory, key: number): boolean {
  const p = allocPage(mem, GFP_KERNEL);
  if (p === null) return false;
  const old = table.get(key);
  if (old !== undefined) freePage(old);
  table.set(key, p);
  return true;
}

function remove(key: number): void {
  const p = table.get(key);
  if (!p) return;
  table.delete(key);
  freePage(p);
}

export function run(mem: Memory): void {
  insert(mem, 1);
  insert(mem, 2);
  insert(mem, 1);
  const p = table.get(2);
  if (p) writeRaw(p, new Uint8Array([9]), 0);
  remove(1);
  remove(2);
  remove(3);
}
