/**
 * Rule family: Binder's page range in three designs (examples/binder/designs.ts, docs/binder.md).
 * What each design's slot type refuses that another accepts. A slot holds:
 * - page:    Owned<Page<0>>    (a bare page; owned, not counted)
 * - folio:   ARef<Folio<0>>    (one counted reference; the mapping holds another)
 * - memdesc: Owned<BinderPage> (Binder's own memdesc: ownable, not refcounted)
 * docs/binder.md quotes the sentences these refusals produce; test/binder/docs.test.ts checks that
 * each quoted sentence is in the snapshots.
 */
import { expectError } from 'tsd';
import {
  createMemory,
  allocPage,
  freePage,
  folioAlloc,
  folioGet,
  folioPut,
  folioPage,
  folioLock,
  folioUnlock,
  getPage,
  putPage,
  defineMemdesc,
  memdescAlloc,
  memdescFree,
  memdescGet,
  memdescPage,
  memdescAddress,
  pageAddress,
  virtToPage,
  writeRaw,
  readRaw,
  GFP_KERNEL,
  type ARef,
  type Folio,
  type InstanceOf,
  type Owned,
  type Page,
} from '../dist/index.js';

const mem = createMemory();
const BinderPage = defineMemdesc({ name: 'binder_page', ownable: true });
type BinderPage = InstanceOf<typeof BinderPage>;
const bytes = new Uint8Array(8);

declare const pageSlot: Owned<Page<0>>;
declare const folioSlot: ARef<Folio<0>>;
declare const mdSlot: Owned<BinderPage>;

// --- Accepted: each design's own protocol compiles.
export function pageProtocol(): void {
  const p = allocPage(mem, GFP_KERNEL);
  if (p === null) return;
  writeRaw(p, bytes, 0); // copy a transaction in
  readRaw(p, bytes, 0);
  freePage(p); // the shrinker, or the range's Drop
}
export function folioProtocol(): void {
  const f = folioAlloc(mem, GFP_KERNEL, 0);
  if (f === null) return;
  const pte = folioGet(f); // vm_insert_page(): the page table's reference
  const locked = folioLock(f);
  writeRaw(locked, bytes, 0); // a folio is written under its lock
  folioUnlock(locked);
  readRaw(f, bytes, 0);
  folioPut(pte); // zap
  folioPut(f); // the slot's reference: the last put frees
  const ref = getPage(folioPage(folioSlot, 0)); // get_page() on a folio page counts the folio
  putPage(ref);
}
export function memdescProtocol(): void {
  const b = memdescAlloc(mem, BinderPage, GFP_KERNEL);
  if (b === null) return;
  writeRaw(memdescAddress(b), bytes, 0);
  readRaw(memdescAddress(b), bytes, 0);
  memdescFree(b);
}

// --- 1. Take a second reference on the slot's page (what vm_insert_page() does in C).
expectError(getPage(pageSlot)); // page: the page's owner is unknown: nothing to count
expectError(getPage(virtToPage(pageAddress(pageSlot)))); // page: nor through its address
folioGet(folioSlot); // folio: accepted — a folio is AlwaysRefCounted
expectError(memdescGet(mdSlot)); // memdesc: binder_page is not refcounted
expectError(getPage(memdescPage(mdSlot, 0))); // memdesc: its page belongs to Binder's memdesc

// --- 2. Write into the slot's page without a lock.
writeRaw(pageSlot, bytes, 0); // page: accepted
expectError(writeRaw(folioSlot, bytes, 0)); // folio: a folio is written under its lock
writeRaw(memdescAddress(mdSlot), bytes, 0); // memdesc: accepted

// --- 2b. Free the folio design's slot, or put the page design's: each names the right release.
expectError(freePage(folioSlot)); // folio: a folio is put, never freed
expectError(putPage(pageSlot)); // page: an alloc_pages() block is freed, not put

// --- 3. Free the slot's page through a borrow of it (a view from its address or its memdesc).
expectError(freePage(virtToPage(pageAddress(pageSlot)))); // page: a borrow never frees
expectError(freePage(folioPage(folioSlot, 0))); // folio: nor here
expectError(freePage(memdescPage(mdSlot, 0))); // memdesc: nor here

// --- 4. One type both owned by the slot and counted by the mapping (v21's tension, in one type).
expectError(defineMemdesc({ name: 'binder_page_rc', ownable: true, alwaysRefCounted: true }));

// --- 5. The shrinker's callback frees or puts, then touches the page again: refused in every design.
export function shrinkPage(page: Owned<Page<0>>): void {
  freePage(page);
  expectError(freePage(page));
  expectError(readRaw(page, bytes, 0));
}
export function shrinkFolio(folio: ARef<Folio<0>>): void {
  folioPut(folio);
  expectError(folioPut(folio));
  expectError(readRaw(folio, bytes, 0));
}
export function shrinkMemdesc(page: Owned<BinderPage>): void {
  memdescFree(page);
  expectError(memdescFree(page));
  expectError(readRaw(memdescAddress(page), bytes, 0));
}
