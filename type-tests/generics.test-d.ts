/**
 * Rule family: generic helpers (issue 10). A helper generic in an order, or in the handle type
 * itself, is checked through its constraint: it compiles when every type the constraint allows would
 * compile, and is refused when one would not. A `number` index or order stays a run-time check.
 */
import { expectError, expectType } from 'tsd';
import {
  createMemory,
  allocPage,
  allocPages,
  freePage,
  freePages,
  folioAlloc,
  folioGet,
  folioPage,
  folioPut,
  getPage,
  putPage,
  pageToPfn,
  readRaw,
  GFP_KERNEL,
  type ARef,
  type Folio,
  type FolioPage,
  type Borrowed,
  type Owned,
  type Page,
  type PageOrder,
  type Live,
  type Consumed,
  type Pfn,
} from '../dist/index.js';

const mem = createMemory();
const buf = new Uint8Array(4);

// folio_page(): index 0 is inside every folio, whatever the order.
export function headPfn<O extends PageOrder>(f: ARef<Folio<O>>): Pfn {
  return pageToPfn(folioPage(f, 0));
}
export function headPfnAnyOrder<O extends number>(f: ARef<Folio<O>>): Pfn {
  return pageToPfn(folioPage(f, 0));
}
// Any index valid for every order the constraint allows passes; with `O extends number` the order
// is unknown, so (as for a Folio<number>) the index is checked at run time; so is a number index.
export function fourthPage<O extends 2 | 3>(f: ARef<Folio<O>>): Borrowed<FolioPage<O>> {
  return folioPage(f, 3);
}
export function eighthPageOfUnknownOrder<O extends number>(f: ARef<Folio<O>>): Borrowed<FolioPage<O>> {
  return folioPage(f, 7);
}
export function dynamicIndex<O extends PageOrder>(f: ARef<Folio<O>>, i: number): Borrowed<FolioPage<O>> {
  return folioPage(f, i);
}
// Refused: an index outside the smallest folio the constraint allows.
export function secondPage<O extends PageOrder>(f: ARef<Folio<O>>): void {
  // [TypeScript's own message: a generic order is checked against every order O allows at once, and TypeScript names none of them]
  expectError(folioPage(f, 1));
}
export function fifthPage<O extends 2 | 3>(f: ARef<Folio<O>>): void {
  // [TypeScript's own message: a generic order is checked against every order O allows at once, and TypeScript names none of them]
  expectError(folioPage(f, 4));
}
// The folio's order survives folio_page() and get_page(), generic or not.
export function refOfPage<O extends PageOrder>(f: ARef<Folio<O>>): ARef<Folio<O>> {
  return getPage(folioPage(f, 0));
}
const folio = folioAlloc(mem, GFP_KERNEL, 2)!;
function takesOrder2(ref: ARef<Folio<2>>): void {
  folioPut(ref);
}
takesOrder2(getPage(folioPage(folio, 1)));
expectType<ARef<Folio<2>>>(getPage(folioPage(folio, 1)));
expectType<ARef<Folio<2>>>(folioGet(folio));

// The helper shape docs/limits.md recommends: a fixed order through the constraint.
export function releaseBlock<P extends Owned<Page<2>> & Live>(b: P): asserts b is P & Consumed {
  freePages(b, 2);
}
export function releasePage<P extends Owned<Page<0>> & Live>(p: P): asserts p is P & Consumed {
  freePage(p);
}
export function releaseRef<R extends ARef<Folio> & Live>(r: R): asserts r is R & Consumed {
  putPage(r);
}
export function putFolio<R extends ARef<Folio<2>> & Live>(r: R): asserts r is R & Consumed {
  folioPut(r);
}
export function releaseAnyOrder<O extends PageOrder>(order: O): void {
  const p = allocPages(mem, GFP_KERNEL, order);
  if (p) freePages(p, order);
}
// …and its caller is checked again: the helper consumed the handle.
export function callsReleaseBlock(): void {
  const p = allocPages(mem, GFP_KERNEL, 2)!;
  releaseBlock(p);
  expectError(readRaw(p, buf, 0));
  const q = allocPage(mem, GFP_KERNEL)!;
  releasePage(q);
  expectError(freePage(q));
}
// Refused through the constraint: another order than the constraint's.
export function releaseWithWrongOrder<P extends Owned<Page<2>> & Live>(b: P): void {
  // [TypeScript's own message: the order is checked through P's constraint, which TypeScript does not spell out]
  expectError(freePages(b, 3));
}
