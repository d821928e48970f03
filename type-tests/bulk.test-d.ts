/**
 * Rule family: bulk allocation (`alloc_pages_bulk()`). The array is filled with order-0 pages, so
 * it must be mutable and of order-0 pages; the context rule of every allocation holds.
 */
import { expectError, expectType } from 'tsd';
import {
  createMemory,
  spinLockInit,
  withSpinLock,
  allocPagesBulk,
  freePage,
  GFP_KERNEL,
  GFP_ATOMIC,
  type Owned,
  type Page,
} from '../dist/index.js';

const mem = createMemory();
const pages: (Owned<Page<0>> | null)[] = new Array(8).fill(null);
expectType<number>(allocPagesBulk(mem, GFP_KERNEL, 8, pages));
for (const p of pages) if (p) freePage(p);

const full: Owned<Page<0>>[] = [];
expectType<number>(allocPagesBulk(mem, GFP_KERNEL, 4, full));
const holes: (Owned<Page<0>> | undefined)[] = [];
expectType<number>(allocPagesBulk(mem, GFP_KERNEL, 4, holes));

// The array is written: a readonly one is refused, as is one of other pages.
const frozen: readonly (Owned<Page<0>> | null)[] = pages;
expectError(allocPagesBulk(mem, GFP_KERNEL, 8, frozen));
const order2: (Owned<Page<2>> | null)[] = [];
expectError(allocPagesBulk(mem, GFP_KERNEL, 8, order2));
const numbers: number[] = [];
expectError(allocPagesBulk(mem, GFP_KERNEL, 8, numbers));

// Atomic context: only allocations that cannot sleep.
withSpinLock(spinLockInit(mem), (ctx) => {
  expectType<number>(allocPagesBulk(ctx, GFP_ATOMIC, 8, pages));
  expectError(allocPagesBulk(ctx, GFP_KERNEL, 8, pages));
});
