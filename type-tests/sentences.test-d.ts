/**
 * Every refusal names its rule (issue 10): each case the issue lists is refused with the rule's
 * sentence as the first thing the compiler prints (`scripts/check-type-tests.mjs --strict-sentences`
 * fails otherwise; the words are in type-tests/__snapshots__).
 */
import { expectError } from 'tsd';
import {
  createMemory,
  allocPage,
  allocPages,
  freePage,
  freePages,
  folioAlloc,
  folioPage,
  folioGet,
  folioPut,
  putPage,
  getPage,
  pagetableAlloc,
  pagetableFree,
  ptdescPage,
  defineMemdesc,
  memdescAlloc,
  memdescFree,
  memdescPut,
  memdescPage,
  intoShared,
  kmemCacheCreate,
  kmemCacheAlloc,
  kmemCacheFree,
  GFP_KERNEL,
} from '../dist/index.js';

const mem = createMemory();

// __free_page() of an order-2 block: "__free_page(): this block was allocated with order 2; …"
const block = allocPages(mem, GFP_KERNEL, 2)!;
expectError(freePage(block));
// put_page() of an owned page: "put_page(): an alloc_pages() block is owned, not counted: …"
const page = allocPage(mem, GFP_KERNEL)!;
expectError(putPage(page));
// __free_pages() of a folio or a page table: "__free_pages(): a folio is put, never freed: …"
const folio = folioAlloc(mem, GFP_KERNEL, 2)!;
expectError(freePages(folio, 2));
const pt = pagetableAlloc(mem, GFP_KERNEL, 0)!;
expectError(freePages(pt, 0));
// put_page() / folio_put() / folio_get() of a borrowed folio page.
expectError(putPage(folioPage(folio, 1)));
expectError(folioPut(folioPage(folio, 1)));
expectError(folioGet(folioPage(folio, 1)));
// pagetable_free() of the page-table page's page: "pagetable_free(): takes the Owned ptdesc …"
expectError(pagetableFree(ptdescPage(pt)));
// memdescFree() of one of a memdesc's pages: "memdescFree(): takes the Owned handle …"
const BinderPage = defineMemdesc({ name: 'binder_page', ownable: true });
const SharedBuf = defineMemdesc({ name: 'shared_buf', refcounted: true });
const x = memdescAlloc(mem, BinderPage, GFP_KERNEL)!;
expectError(memdescFree(memdescPage(x, 0)));
// memdescPut() of an ownable-only memdesc, memdescFree() of a refcounted one, intoShared() of an
// ownable-only one: each names the type and what it lacks.
expectError(memdescPut(x));
const s = memdescAlloc(mem, SharedBuf, GFP_KERNEL)!;
expectError(memdescFree(s));
expectError(intoShared(x));
// kmem_cache_free() into another cache: "kmem_cache_free(): this object belongs to kmem_cache …"
const dentries = kmemCacheCreate(mem, 'dentry', 192);
const inodes = kmemCacheCreate(mem, 'inode_cache', 600);
const ino = kmemCacheAlloc(mem, inodes, GFP_KERNEL)!;
expectError(kmemCacheFree(dentries, ino));
// get_page() of a page that is not a folio's, and of a freed folio's page.
expectError(getPage(page));
export function afterPut(): void {
  const f = folioAlloc(mem, GFP_KERNEL, 0)!;
  folioPut(f);
  expectError(folioPut(f));
  expectError(folioGet(f));
}
