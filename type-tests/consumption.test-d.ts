/**
 * Rule family: consumption. A handle given up by freePages/freePage is dead for the rest of the
 * function: a second free is a double free, any other use a use after free — in straight-line
 * code, both branches of an if/else, every case of a switch, a loop left by break, and closures
 * created after the free.
 */
import { expectError } from 'tsd';
import {
  createMemory,
  allocPage,
  allocPages,
  freePage,
  freePages,
  readRaw,
  writeRaw,
  fillZeroRaw,
  withPageMapped,
  pageToPfn,
  pageAddress,
  GFP_KERNEL,
  type PageVar,
  type MaybeConsumed,
  type Owned,
  type Page,
} from '../dist/index.js';

const mem = createMemory();
const buf = new Uint8Array(8);

export function straightLine(): void {
  const p = allocPage(mem, GFP_KERNEL)!;
  freePage(p);
  expectError(freePage(p)); // double free
  expectError(readRaw(p, buf, 0)); // use after free
  expectError(writeRaw(p, buf, 0));
  expectError(fillZeroRaw(p, 0, 8));
  expectError(withPageMapped(p, (v) => v[0]));
  expectError(pageToPfn(p));
  expectError(pageAddress(p));
}

export function higherOrder(): void {
  const p = allocPages(mem, GFP_KERNEL, 3)!;
  freePages(p, 3);
  expectError(freePages(p, 3));
  expectError(readRaw(p, buf, 0));
}

export function bothBranches(c: boolean): void {
  const p = allocPage(mem, GFP_KERNEL)!;
  if (c) {
    freePage(p);
  } else {
    freePage(p);
  }
  expectError(readRaw(p, buf, 0));
  expectError(freePage(p));
}

export function everyCase(k: 'a' | 'b' | 'c'): void {
  const p = allocPages(mem, GFP_KERNEL, 1)!;
  switch (k) {
    case 'a':
      freePages(p, 1);
      break;
    case 'b':
      freePages(p, 1);
      break;
    default:
      freePages(p, 1);
  }
  expectError(readRaw(p, buf, 0));
}

export function loopLeftByBreak(): void {
  const p = allocPage(mem, GFP_KERNEL)!;
  for (;;) {
    freePage(p);
    break;
  }
  expectError(readRaw(p, buf, 0));
}

export function closureAfterFree(): () => void {
  const p = allocPage(mem, GFP_KERNEL)!;
  freePage(p);
  return () => {
    expectError(readRaw(p, buf, 0));
  };
}

export function letVariable(): void {
  let p = allocPage(mem, GFP_KERNEL)!;
  freePage(p);
  expectError(freePage(p));
  p = allocPage(mem, GFP_KERNEL)!; // reassigned: live again
  readRaw(p, buf, 0);
  freePage(p);
}

export function objectField(): void {
  const holder = { page: allocPage(mem, GFP_KERNEL)! };
  freePage(holder.page);
  expectError(readRaw(holder.page, buf, 0));
}

// Consumed on some paths only: declare the variable with PageVar (or MaybeConsumed) and the
// compiler keeps both possibilities where the paths join.
export function somePaths(c: boolean): void {
  const p: PageVar<0> = allocPage(mem, GFP_KERNEL)!;
  if (c) freePage(p);
  expectError(readRaw(p, buf, 0));
  expectError(freePage(p));
}

export function somePathsMaybeConsumed(c: boolean): void {
  const p: MaybeConsumed<Owned<Page<2>>> = allocPages(mem, GFP_KERNEL, 2)!;
  while (c) {
    freePages(p, 2);
    break;
  }
  expectError(readRaw(p, buf, 0));
}
