/**
 * Rule family: get_page. Only a page known to belong to a folio can be counted. A slab page (the
 * xen-netfront bug: get_page(virt_to_page(kmalloc'd buffer))), a large-kmalloc page, a vmalloc
 * page, a page-table page, a bare alloc_pages() block, a user memdesc's page, or a page of unknown
 * owner is refused, with a sentence naming the owner.
 */
import { expectError, expectType } from 'tsd';
import {
  createMemory,
  allocPage,
  folioAlloc,
  folioPage,
  folioAddress,
  getPage,
  putPage,
  folioPut,
  kmalloc,
  kmemCacheCreate,
  kmemCacheAlloc,
  vmalloc,
  vmallocToPage,
  pagetableAlloc,
  ptdescPage,
  defineMemdesc,
  memdescAlloc,
  memdescPage,
  virtToPage,
  pageAddress,
  GFP_KERNEL,
  type ARef,
  type Folio,
  type Page,
  type Borrowed,
} from '../dist/index.js';

const mem = createMemory();

// Accepted: pages known to belong to a folio.
const folio = folioAlloc(mem, GFP_KERNEL, 2)!;
const ref = getPage(folioPage(folio, 1));
expectType<ARef<Folio<2>>>(ref); // the folio's order is kept (issue 10)
putPage(ref);
const ref2 = getPage(virtToPage(folioAddress(folio)));
putPage(ref2);

// Refused: every page with no known folio owner.
const small = kmalloc(mem, 64, GFP_KERNEL)!;
expectError(getPage(virtToPage(small))); // slab
const large = kmalloc(mem, 65536, GFP_KERNEL)!;
expectError(getPage(virtToPage(large))); // large kmalloc (misc)
const cache = kmemCacheCreate(mem, 'skbuff_head_cache', 232);
const skb = kmemCacheAlloc(mem, cache, GFP_KERNEL)!;
expectError(getPage(virtToPage(skb))); // slab
const area = vmalloc(mem, 8192)!;
expectError(getPage(vmallocToPage(area))); // vmalloc
const pt = pagetableAlloc(mem, GFP_KERNEL, 0)!;
expectError(getPage(ptdescPage(pt))); // page table
const bare = allocPage(mem, GFP_KERNEL)!;
expectError(getPage(bare)); // bare allocation of unknown owner
expectError(getPage(virtToPage(pageAddress(bare))));
const BinderPage = defineMemdesc({ name: 'binder_page', ownable: true });
const bp = memdescAlloc(mem, BinderPage, GFP_KERNEL)!;
expectError(getPage(memdescPage(bp, 0))); // the driver's own memdesc
declare const unknownOwner: Borrowed<Page<0>>;
expectError(getPage(unknownOwner));

// A folio reference is put, never freed; a reference cannot be put twice.
folioPut(folio);
expectError(folioPut(folio));
