/**
 * Rule family: page tables you can walk. `pfnToPage(mem, pfn)` is a borrow of unknown owner (it
 * can be read and asked who owns it, never freed, put or counted); `pagePtdesc(page)` is a borrow
 * of the page table a page belongs to, or null (it cannot free the table). A literal pfn that is
 * no page frame number does not compile.
 */
import { expectError, expectType } from 'tsd';
import {
  createMemory,
  allocPage,
  freePage,
  getPage,
  pageToPfn,
  pageFolio,
  folioGet,
  folioPut,
  pfnToPage,
  pagePtdesc,
  pagetableAlloc,
  pagetableFree,
  ptdescPage,
  ptdescAddress,
  readRaw,
  GFP_KERNEL,
  type Borrowed,
  type Folio,
  type Page,
  type PtDesc,
} from '../dist/index.js';

const mem = createMemory();
const pte = pagetableAlloc(mem, GFP_KERNEL, 0)!;
const entryPfn: number = pageToPfn(ptdescPage(pte)); // a pfn read from an entry is a plain number

// Accepted: any pfn, literal or not; the borrow is read and asked who owns it.
expectType<Borrowed<Page<0>>>(pfnToPage(mem, entryPfn));
expectType<Borrowed<Page<0>>>(pfnToPage(mem, 0));
expectType<Borrowed<Page<0>>>(pfnToPage(mem, pageToPfn(ptdescPage(pte))));
const table = pagePtdesc(pfnToPage(mem, entryPfn));
expectType<Borrowed<PtDesc> | null>(table);
if (table !== null) readRaw(ptdescAddress(table), new Uint8Array(8), 0); // read an entry of the next table
const folio = pageFolio(pfnToPage(mem, entryPfn));
expectType<Borrowed<Folio> | null>(folio);
if (folio !== null) folioPut(folioGet(folio)); // a folio found from a pfn is counted through the folio

// Refused: a pfn literal that is no page frame number.
expectError(pfnToPage(mem, -1));
expectError(pfnToPage(mem, 1.5));

// Refused: the borrow of a pfn has no known owner: not counted, not freed. (putPage of it does not
// compile either, with a message that names missing properties rather than a rule; the runtime
// test covers it.)
expectError(getPage(pfnToPage(mem, entryPfn)));
expectError(freePage(pfnToPage(mem, entryPfn)));

// Refused: a ptdesc found from a page is a borrow; only the table's owner frees it.
if (table !== null) expectError(pagetableFree(table));

// Refused: pagePtdesc of a freed page.
export function stale(): void {
  const p = allocPage(mem, GFP_KERNEL)!;
  freePage(p);
  expectError(pagePtdesc(p));
}
pagetableFree(pte);
