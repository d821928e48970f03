/**
 * Correct programs compile cleanly: conditional frees with early returns, loops over arrays of
 * pages, reassignment after a free, helpers that borrow without consuming, handles in object
 * fields, `using`, and generic helpers.
 */
import { expectType } from 'tsd';
import {
  createMemory,
  allocPage,
  allocPages,
  freePage,
  freePages,
  readRaw,
  writeRaw,
  pageToPfn,
  virtToPage,
  pageAddress,
  GFP_KERNEL,
  type PageVar,
  type Owned,
  type Borrowed,
  type Page,
  type PageOrder,
  type Live,
  type Pfn,
} from '../dist/index.js';

const mem = createMemory();
const buf = new Uint8Array(8);

export function earlyReturn(c: boolean): void {
  const p = allocPage(mem, GFP_KERNEL);
  if (p === null) return;
  if (c) {
    freePage(p);
    return;
  }
  readRaw(p, buf, 0);
  freePage(p);
}

export function arrays(): void {
  const pages: Owned<Page<0>>[] = [];
  for (let i = 0; i < 16; i++) {
    const p = allocPage(mem, GFP_KERNEL);
    if (p) pages.push(p);
  }
  for (const p of pages) writeRaw(p, buf, 0);
  for (const p of pages) freePage(p);
}

export function reassignment(): void {
  let p = allocPage(mem, GFP_KERNEL)!;
  freePage(p);
  p = allocPage(mem, GFP_KERNEL)!;
  readRaw(p, buf, 0);
  freePage(p);
}

// A helper that only borrows: takes any live page, owned or borrowed, any order and owner.
function checksum(page: Page & Live): number {
  const b = new Uint8Array(4);
  readRaw(page, b, 0);
  return b[0]! + pageToPfn(page);
}

export function borrowingHelpers(): void {
  const p = allocPages(mem, GFP_KERNEL, 2)!;
  checksum(p);
  checksum(p); // not consumed by the helper
  const view: Borrowed<Page<0>> = virtToPage(pageAddress(p));
  checksum(view);
  freePages(p, 2);
}

export function fields(): void {
  const slot: { page: Owned<Page<0>> | null } = { page: allocPage(mem, GFP_KERNEL) };
  if (slot.page) {
    readRaw(slot.page, buf, 0);
    freePage(slot.page);
  }
  slot.page = allocPage(mem, GFP_KERNEL);
  if (slot.page) freePage(slot.page);
}

export function usingScope(): void {
  using p = allocPage(mem, GFP_KERNEL);
  if (p) readRaw(p, buf, 0);
}

export function usingThenManualFree(): void {
  using p = allocPage(mem, GFP_KERNEL)!;
  freePage(p);
}

export function genericOrder<O extends PageOrder>(order: O): void {
  const p = allocPages(mem, GFP_KERNEL, order);
  if (p) freePages(p, order);
}

export function dynamicOrder(order: number): void {
  const p = allocPages(mem, GFP_KERNEL, order);
  if (p) freePages(p, order);
}

export function pageVarLive(): void {
  const p: PageVar<0> = allocPage(mem, GFP_KERNEL)!;
  readRaw(p, buf, 0);
  freePage(p);
}

expectType<Pfn>(pageToPfn(allocPage(mem, GFP_KERNEL)!));
