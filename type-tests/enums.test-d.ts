/**
 * Rule family: orders and indexes written as enum members (issue 10). A numeric enum member is a
 * literal type: it is checked as the number it stands for — allocation orders, free orders and
 * folio indexes alike — although TypeScript lets a plain `number` be assigned to an enum member.
 */
import { expectError, expectType } from 'tsd';
import {
  createMemory,
  allocPages,
  freePages,
  folioAlloc,
  folioPage,
  folioPut,
  pagetableAlloc,
  pagetableFree,
  GFP_KERNEL,
  type Owned,
  type Page,
} from '../dist/index.js';

const mem = createMemory();

enum Order {
  Desc = 1,
  Ring = 3,
}
enum Order2 {
  Pte = 0,
  Pud = 18,
}
enum Idx {
  First = 0,
  Second = 1,
  Fifth = 4,
}

// The two cases.
expectError(freePages(allocPages(mem, GFP_KERNEL, Order.Desc)!, Order.Ring));
expectError(allocPages(mem, GFP_KERNEL, Order2.Pud));
// The other allocations check their order the same way.
expectError(folioAlloc(mem, GFP_KERNEL, Order2.Pud));
expectError(pagetableAlloc(mem, GFP_KERNEL, Order2.Pud));

// Accepted: an enum member in range, freed with the same member or the number it stands for.
export function enumOrders(): void {
  const a = allocPages(mem, GFP_KERNEL, Order.Desc)!;
  expectType<Owned<Page<Order.Desc>>>(a);
  freePages(a, Order.Desc);
  const b = allocPages(mem, GFP_KERNEL, Order.Ring)!;
  freePages(b, 3);
  const c = allocPages(mem, GFP_KERNEL, 3)!;
  freePages(c, Order.Ring);
  const d = allocPages(mem, GFP_KERNEL, Order2.Pte)!;
  freePages(d, 0);
  const t = pagetableAlloc(mem, GFP_KERNEL, Order.Desc)!;
  pagetableFree(t);
}

// Refused: freeing with another member, or another number, than the allocation's.
export function wrongEnumOrder(): void {
  const a = allocPages(mem, GFP_KERNEL, Order.Ring)!;
  expectError(freePages(a, Order.Desc));
  expectError(freePages(a, 1));
  freePages(a, Order.Ring);
  const b = allocPages(mem, GFP_KERNEL, 1)!;
  expectError(freePages(b, Order.Ring));
  freePages(b, Order.Desc);
}

// A variable of the whole enum type: every member is in range, so it is an order the compiler
// cannot narrow down; one member out of range refuses the whole enum.
declare const anyOrder: Order;
export function wholeEnum(): void {
  const a = allocPages(mem, GFP_KERNEL, anyOrder);
  if (a) freePages(a, anyOrder);
}
declare const anyOrder2: Order2;
expectError(allocPages(mem, GFP_KERNEL, anyOrder2));

// folio_page(): enum indexes are checked like the literals they stand for.
export function enumIndexes(): void {
  const f = folioAlloc(mem, GFP_KERNEL, Order.Desc)!; // two pages
  folioPage(f, Idx.First);
  folioPage(f, Idx.Second);
  expectError(folioPage(f, Idx.Fifth));
  folioPut(f);
}
