/**
 * Handles that leave the function are not leaks: returned to the caller, stored into a Map that is
 * drained later, stored into a class that frees them in `close()`.
 */
import { allocPage, freePage, kmalloc, kfree, GFP_KERNEL, type KmallocPtr, type Memory } from 'memdesc';
import { fillPage, type DataPage } from '../lib/pages.js';

function newPage(mem: Memory, byte: number): DataPage | null {
  const page = allocPage(mem, GFP_KERNEL);
  if (page === null) return null;
  fillPage(page, byte, 8);
  return page;
}

class Registry {
  readonly pages = new Map<number, DataPage>();
  readonly msgs: KmallocPtr[] = [];

  adopt(id: number, page: DataPage): void {
    this.pages.set(id, page);
  }

  close(): void {
    for (const page of this.pages.values()) freePage(page);
    this.pages.clear();
    for (const msg of this.msgs) kfree(msg);
    this.msgs.length = 0;
  }
}

function fill(reg: Registry, mem: Memory): void {
  for (let id = 0; id < 3; id++) {
    const page = newPage(mem, id);
    if (page !== null) reg.adopt(id, page);
  }
  const msg = kmalloc(mem, 64, GFP_KERNEL);
  if (msg !== null) reg.msgs.push(msg);
}

export function run(mem: Memory): void {
  const reg = new Registry();
  fill(reg, mem);
  reg.close();
}
