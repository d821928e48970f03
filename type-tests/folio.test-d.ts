/**
 * Rule family: folios. folioPage indexes are range-checked for literals; writes need the folio
 * lock; unlocking consumes the lock guard; puts consume references.
 */
import { expectError, expectType } from 'tsd';
import {
  createMemory,
  folioAlloc,
  folioGet,
  folioTryGet,
  folioPut,
  folioPage,
  pageFolio,
  folioLock,
  folioTrylock,
  folioUnlock,
  folioOrder,
  folioRefCount,
  writeRaw,
  readRaw,
  fillZeroRaw,
  freePages,
  GFP_KERNEL,
  GFP_ATOMIC,
  spinLockInit,
  withSpinLock,
  type ARef,
  type Folio,
  type LockedFolio,
  type Borrowed,
  type Page,
  type FolioPage,
} from '../dist/index.js';

const mem = createMemory();
const buf = new Uint8Array(4);
const f = folioAlloc(mem, GFP_KERNEL, 2)!;
expectType<ARef<Folio<2>>>(f);
expectType<2>(folioOrder(f));
expectError(folioAlloc(mem, GFP_KERNEL, 11));

// folio_page(): a literal index must lie inside the folio (4 pages here).
// A borrow of an order-0 folio page, which remembers its folio's order (issue 10).
expectType<Borrowed<FolioPage<2>>>(folioPage(f, 0));
export const asPage: Borrowed<Page<0, 'folio'>> = folioPage(f, 0);
folioPage(f, 3);
expectError(folioPage(f, 4));
expectError(folioPage(f, -1));
declare const i: number;
folioPage(f, i); // checked at run time

// Writes go through the lock guard only.
readRaw(f, buf, 0);
readRaw(folioPage(f, 1), buf, 0);
expectError(writeRaw(f, buf, 0));
expectError(writeRaw(folioPage(f, 1), buf, 0));
expectError(fillZeroRaw(f, 0, 4));
const locked = folioLock(f);
expectType<LockedFolio<2>>(locked);
writeRaw(locked, buf, 0);
fillZeroRaw(locked, 0, 4);
folioUnlock(locked);
expectError(folioUnlock(locked));
expectError(writeRaw(locked, buf, 0));
expectError(folioUnlock(f)); // a reference is not a lock guard

// References: get from any live view (AlwaysRefCounted), put consumes.
const view = pageFolio(folioPage(f, 2))!;
const g = folioGet(view);
const t = folioTryGet(view);
expectType<ARef<Folio> | null>(t);
if (t) folioPut(t);
folioPut(g);
expectError(folioPut(view)); // a borrow holds no reference
expectError(freePages(f, 2)); // a folio is put, not freed
folioRefCount(f);
folioPut(f);
expectError(folioRefCount(f));
expectError(folioGet(f));

// Under a spinlock: trylock, not lock, and no sleeping allocation.
const lock = spinLockInit(mem);
withSpinLock(lock, (ctx) => {
  expectError(folioAlloc(ctx, GFP_KERNEL, 0));
  const a = folioAlloc(ctx, GFP_ATOMIC, 0);
  if (a) {
    const l = folioTrylock(a);
    if (l) folioUnlock(l);
    folioPut(a);
  }
});
