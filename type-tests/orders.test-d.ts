/**
 * Rule family: orders. An allocation's order is a literal 0..MAX_PAGE_ORDER (or a number checked
 * at run time); a block is freed with the order it was allocated with; freePage takes order 0.
 */
import { expectError, expectType } from 'tsd';
import { createMemory, allocPages, allocPage, freePages, freePage, GFP_KERNEL, type Owned, type Page } from '../dist/index.js';

const mem = createMemory();

expectType<Owned<Page<0>> | null>(allocPages(mem, GFP_KERNEL, 0));
expectType<Owned<Page<10>> | null>(allocPages(mem, GFP_KERNEL, 10));
expectType<Owned<Page<0>> | null>(allocPage(mem, GFP_KERNEL));
expectError(allocPages(mem, GFP_KERNEL, 11));
expectError(allocPages(mem, GFP_KERNEL, -1));
expectError(allocPages(mem, GFP_KERNEL, 1.5));
declare const n: number;
expectType<Owned<Page<number>> | null>(allocPages(mem, GFP_KERNEL, n)); // checked at run time

export function wrongOrder(): void {
  const p = allocPages(mem, GFP_KERNEL, 2)!;
  expectError(freePages(p, 3));
  expectError(freePages(p, 0));
  freePages(p, 2);
}

export function freePageOrderZeroOnly(): void {
  const p = allocPages(mem, GFP_KERNEL, 1)!;
  expectError(freePage(p));
  freePages(p, 1);
  const q = allocPage(mem, GFP_KERNEL)!;
  freePage(q);
}

export function nullMustBeChecked(): void {
  const p = allocPages(mem, GFP_KERNEL, 1);
  expectError(freePages(p, 1));
  if (p) freePages(p, 1);
}
